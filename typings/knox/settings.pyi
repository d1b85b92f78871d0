import datetime

class _KnoxSettings:
    AUTH_TOKEN_CHARACTER_LENGTH: int
    TOKEN_TTL: datetime.timedelta
    TOKEN_LIMIT_PER_USER: int | None

class _Constants:
    DIGEST_LENGTH: int
    TOKEN_KEY_LENGTH: int

knox_settings: _KnoxSettings
CONSTANTS: _Constants
