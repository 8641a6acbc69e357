# Names that only look like credential pairs.
MONKEY = "curious-george-42"
HOTKEY = "ctrl+shift+k"
password_validation = "min_length:12"
validation = "HMACSHA256"
KEY_VALIDATION_REGEX = "^[a-z]{3,}$"
