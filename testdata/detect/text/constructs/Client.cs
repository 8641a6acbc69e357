public class Client {
    private const string ApiKey = "cs-ApiKey-7731x";
    var headers = new Dictionary<string, string> { ["password"] = "cs-Pw-2024" };
    string user = GetUser();
}
