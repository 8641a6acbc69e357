// Test stub of the AWS SDK for Java v2 (no registry reachable here carries the SDK): exactly the
// types and members hoist's generated HoistSecrets.java uses, so javac checks the helper and the
// rewritten code against the real API's shape. Not the SDK; see tests/stubs/README.md.
package software.amazon.awssdk.regions;

public final class Region {
    private final String id;

    private Region(String id) {
        this.id = id;
    }

    public static Region of(String id) {
        return new Region(id);
    }

    public String id() {
        return id;
    }
}
