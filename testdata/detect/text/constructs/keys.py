# Single-word spellings of credential pairs.
AUTHKEY = 'vQ7nXp2Lr9Tz'
APPKEY = "k3Jd8sLq0Wm4"
JWT_KEY = "jwtSign-7Fd2Qx9"
