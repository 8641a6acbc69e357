import os

import mysql.connector
import pymysql
import requests

os.environ["SENTRY_AUTH_TOKEN"] = "sntry-t0ken-8812"

SERVICES = {
    "billing": {
        "url": "https://billing.internal/api",
        "username": "billing-svc",
        "password": "b1lling-pw",
    },
}


def fetch_report():
    return requests.get("https://reports.internal/daily", auth=("reporter", "r3port-pw"))


def legacy(password: str = "l3gacy-default"):
    return mysql.connector.connect(host="legacy.internal", user="legacy", password=password, database="old")


def warehouse():
    return pymysql.connect("wh.internal", "wh_user", "wh-pw-5150", "warehouse")


def settings_from_env():
    password = os.environ.get("DB_PASSWORD") or "fallback-pw"
    return password
