struct Keys {
    static let apiKey: String = "swKey-8Qm2xT41"
    let placeholder: String = "YOUR_API_KEY_HERE"
}
