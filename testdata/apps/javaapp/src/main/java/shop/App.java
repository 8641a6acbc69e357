// Prints a digest of the credentials the order service is configured with (fake values planted
// for hoist's end-to-end tests), so a test can prove the program sees the same values before and
// after hoist moves them to Secrets Manager.
package shop;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

public class App {
    static final String DB_PASSWORD = "FFYX3bNKjh-UPdsciRH";
    private static final String STRIPE_API_KEY = "sk_live_513y57XB8w3tMPMbZmHTlgkGg6";

    public static void main(String[] args) throws Exception {
        byte[] sum = MessageDigest.getInstance("SHA-256")
                .digest((DB_PASSWORD + "\n" + STRIPE_API_KEY).getBytes(StandardCharsets.UTF_8));
        StringBuilder hex = new StringBuilder();
        for (byte b : sum) {
            hex.append(String.format("%02x", b));
        }
        System.out.println(hex);
    }
}
