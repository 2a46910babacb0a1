"""xlwings Server's auth hook (XLWINGS_AUTH_PROVIDERS=["custom"]): the office's user list.

``budget-xl serve --users 文件`` sets BUDGET_XL_USERS_FILE; the token comes from the task pane
(static/js/auth.js) in the Authorization header.
"""

from fastapi import HTTPException, status
from xlwings_server.models import User

from budget_xl.excel.users import user_for_token


async def validate_token(token_string: str):
    name = user_for_token(token_string)
    if name is None:
        raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED,
                            detail="访问令牌无效：请在“说明面板”中填写管理员发给你的访问令牌。")
    return User(id=name, name=name)
