//! Manifest edits: each ecosystem's dependency added once, the rest of the file byte for byte.

use super::*;
use std::collections::BTreeMap;

fn once(eco: Ecosystem, name: &str, text: &str) -> String {
    let new = edit(eco, Path::new(name), text).unwrap().expect("an edit");
    assert_eq!(edit(eco, Path::new(name), &new).unwrap(), None, "a second edit adds nothing:\n{new}");
    new
}

#[test]
fn text_manifests_get_one_line_and_a_second_run_adds_nothing() {
    assert_eq!(once(Ecosystem::Python, "requirements.txt", "flask==3.0\n"), "flask==3.0\nboto3>=1.34\n");
    assert_eq!(edit(Ecosystem::Python, Path::new("requirements.txt"), "Boto3==1.2\n").unwrap(), None);
    assert_eq!(
        once(Ecosystem::Ruby, "Gemfile", "source \"https://rubygems.org\"\ngem \"rails\""),
        "source \"https://rubygems.org\"\ngem \"rails\"\ngem \"aws-sdk-secretsmanager\", \"~> 1\"\n"
    );
    assert_eq!(edit(Ecosystem::Ruby, Path::new("Gemfile"), "gem 'aws-sdk', '~> 3'\n").unwrap(), None);
    let go = once(Ecosystem::Go, "go.mod", "module shop\n\ngo 1.22\n\nrequire github.com/aws/aws-sdk-go-v2 v1.40.0\n");
    assert!(go.ends_with("require (\n\tgithub.com/aws/aws-sdk-go-v2/config v1.33.18\n\tgithub.com/aws/aws-sdk-go-v2/service/secretsmanager v1.50.12\n)\n"), "{go}");
}

#[test]
fn json_manifests_keep_their_layout() {
    let pkg = "{\n  \"name\": \"app\",\n  \"dependencies\": {\n    \"express\": \"^4\"\n  }\n}\n";
    assert_eq!(
        once(Ecosystem::Node, "package.json", pkg),
        "{\n  \"name\": \"app\",\n  \"dependencies\": {\n    \"@aws-sdk/client-secrets-manager\": \"^3.0.0\",\n    \"express\": \"^4\"\n  }\n}\n"
    );
    let bare = "{\n    \"name\": \"shop/app\"\n}\n";
    assert_eq!(
        once(Ecosystem::Php, "composer.json", bare),
        "{\n    \"require\": {\n        \"aws/aws-sdk-php\": \"^3.0\"\n    },\n    \"name\": \"shop/app\"\n}\n"
    );
    let empty = "{\"name\": \"x\", \"require\": {}}";
    assert!(once(Ecosystem::Php, "composer.json", empty).contains("\"aws/aws-sdk-php\": \"^3.0\""));
    // A key named "dependencies" deeper down is not the top-level one.
    let nested = "{\"scripts\": {\"dependencies\": \"x\"}, \"dependencies\": {\"a\": \"1\"}}";
    let new = once(Ecosystem::Node, "package.json", nested);
    let v: serde_json::Value = serde_json::from_str(&new).unwrap();
    assert_eq!(v["scripts"]["dependencies"], "x");
    assert!(edit(Ecosystem::Node, Path::new("package.json"), "{ broken").is_err());
}

#[test]
fn pyproject_project_and_poetry_tables() {
    let pep = "[project]\nname = \"x\"\ndependencies = [\n    \"flask\",\n]\n\n[tool.x]\ny = 1\n";
    assert_eq!(
        once(Ecosystem::Python, "pyproject.toml", pep),
        "[project]\nname = \"x\"\ndependencies = [\n    \"boto3>=1.34\",\n    \"flask\",\n]\n\n[tool.x]\ny = 1\n"
    );
    let poetry = "[tool.poetry.dependencies]\npython = \"^3.11\"\n";
    assert!(once(Ecosystem::Python, "pyproject.toml", poetry).contains("boto3 = \">=1.34\"\npython"));
    assert!(edit(Ecosystem::Python, Path::new("pyproject.toml"), "[tool.black]\n").is_err());
}

#[test]
fn pom_gets_the_project_dependency_not_a_plugin_or_managed_one() {
    let pom = "<project>\n    <modelVersion>4.0.0</modelVersion>\n    <dependencyManagement>\n        <dependencies>\n        </dependencies>\n    </dependencyManagement>\n    <!-- <dependencies></dependencies> -->\n    <dependencies>\n        <dependency>\n            <groupId>org.x</groupId>\n            <artifactId>y</artifactId>\n        </dependency>\n    </dependencies>\n</project>\n";
    let new = once(Ecosystem::Java, "pom.xml", pom);
    let want = "        </dependency>\n        <dependency>\n            <groupId>software.amazon.awssdk</groupId>\n            <artifactId>secretsmanager</artifactId>\n            <version>2.57.8</version>\n        </dependency>\n    </dependencies>\n</project>\n";
    assert!(new.ends_with(want), "{new}");
    assert!(new.starts_with(&pom[..pom.find("    <dependencies>\n        <dependency>").unwrap()]));
    let none = once(Ecosystem::Java, "pom.xml", "<project>\n  <artifactId>a</artifactId>\n</project>\n");
    assert!(
        none.contains("  <dependencies>\n    <dependency>\n      <groupId>software.amazon.awssdk</groupId>"),
        "{none}"
    );
    let gradle = once(
        Ecosystem::Java,
        "build.gradle",
        "plugins { id 'java' }\n\ndependencies {\n    implementation 'a:b:1'\n}\n",
    );
    assert!(gradle.contains("dependencies {\n    implementation('software.amazon.awssdk:secretsmanager:2.57.8')\n"));
}

#[test]
fn the_nearest_manifest_wins_and_a_missing_one_is_a_note() {
    let files: BTreeMap<PathBuf, String> = [
        (PathBuf::from("go.mod"), "module x\n".to_string()),
        (PathBuf::from("svc/go.mod"), "module y\n".to_string()),
        (PathBuf::from("web/package-lock.json"), "{}".to_string()),
    ]
    .into();
    let read = |p: &Path| files.get(p).cloned();
    let needs = vec![
        (Ecosystem::Go, PathBuf::from("svc/cmd")),
        (Ecosystem::Go, PathBuf::from("svc")),
        (Ecosystem::Go, PathBuf::from("lib")),
        (Ecosystem::Ruby, PathBuf::from("app")),
    ];
    let (edits, notes) = add_dependencies(&needs, &read);
    let paths: Vec<&Path> = edits.iter().map(|e| e.path.as_path()).collect();
    assert_eq!(paths, [Path::new("go.mod"), Path::new("svc/go.mod")]);
    assert!(notes.iter().any(|n| n.contains("go mod tidy")), "{notes:?}");
    assert!(notes.iter().any(|n| n.contains("aws-sdk-secretsmanager") && n.contains("app/")), "{notes:?}");
}
