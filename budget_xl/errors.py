"""The one exception that reaches the user: a Chinese message naming file, sheet and cell."""

from __future__ import annotations


class InputError(Exception):
    """Input the tool cannot work with. The CLI prints it and exits with code 2."""

    def __init__(self, message: str, *, file: str | None = None, sheet: str | None = None,
                 cell: str | None = None):
        self.message = message
        self.file = file
        self.sheet = sheet
        self.cell = cell
        super().__init__(self.text)

    @property
    def text(self) -> str:
        where = []
        if self.file:
            where.append(f"文件“{self.file}”")
        if self.sheet:
            where.append(f"工作表“{self.sheet}”")
        if self.cell:
            where.append(f"单元格 {self.cell}")
        prefix = "，".join(where)
        return f"{prefix}：{self.message}" if prefix else self.message
