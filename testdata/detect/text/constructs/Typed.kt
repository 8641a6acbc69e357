object Typed {
    private const val clientSecret: String = "kt-Secret-55zQ"
    val passwordHint: String = label("Password")
}
