pub struct Db {
    host: String,
    user: String,
    password: String,
}

const DB_PASSWORD: &str = "rs-Db-Pw4471q";
static API_TOKEN: &'static str = "rsTok-91xQ7mWp2";

pub fn db() -> Db {
    Db { host: "orders-db.internal".into(), user: "orders".into(), password: DB_PASSWORD.into() }
}
