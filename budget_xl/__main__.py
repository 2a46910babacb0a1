from budget_xl.cli import main

raise SystemExit(main())
