object Settings {
    val dbPassword = "kt-Db-pass-91"
    val passwordLabel = label("Password")
    val token = System.getenv("TOKEN")
}
