from budget_xl.cli import run

if __name__ == "__main__":  # worker processes started by "spawn" (Windows, macOS) import this module again
    run()
