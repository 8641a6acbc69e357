from flask.cli import FlaskGroup

cli = FlaskGroup()


@cli.command("seed_db")
def seed_db():
    db.session.add(User(username="michael", password="seedpw-Flask-7"))
    db.session.commit()


@cli.command("connect")
def connect():
    engine.login(user="app", password="livepw-Flask-3")
