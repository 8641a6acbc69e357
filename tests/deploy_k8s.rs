//! Kubernetes rewrites read back as Kubernetes would: every `secretKeyRef` a rewritten workload
//! uses names a Secret that an ExternalSecret in the same file and namespace produces with that
//! key from a full Secrets Manager ARN, and a templated ExternalSecret still yields every key of
//! the Secret it replaces. Inputs and outputs are the golden cases in `testdata/deploy/`.

use serde::Deserialize as _;
use serde_yaml::Value;

fn docs(path: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap();
    serde_yaml::Deserializer::from_str(&text).map(|d| Value::deserialize(d).unwrap()).collect()
}

/// (namespace, Secret name, key) of every secretKeyRef under `v`.
fn refs(v: &Value, ns: &str, out: &mut Vec<(String, String, String)>) {
    match v {
        Value::Mapping(m) => {
            if let Some(r) = m.get("secretKeyRef") {
                out.push((ns.into(), r["name"].as_str().unwrap().into(), r["key"].as_str().unwrap().into()));
            }
            m.values().for_each(|x| refs(x, ns, out));
        }
        Value::Sequence(s) => s.iter().for_each(|x| refs(x, ns, out)),
        _ => {}
    }
}

#[test]
fn every_secret_key_ref_is_produced_by_an_external_secret() {
    let input = docs("testdata/deploy/k8s-workload/input.yaml");
    let output = docs("testdata/deploy/k8s-workload/expected.yaml");
    let ns = |d: &Value| d["metadata"]["namespace"].as_str().unwrap_or("default").to_string();
    let mut wanted = Vec::new();
    for d in output.iter().filter(|d| d["kind"] != "ExternalSecret") {
        refs(d, &ns(d), &mut wanted);
    }
    assert_eq!(wanted.len(), 3, "three literal env values became secretKeyRefs: {wanted:?}");
    for (n, name, key) in &wanted {
        let es = output
            .iter()
            .find(|d| d["kind"] == "ExternalSecret" && d["spec"]["target"]["name"] == name.as_str() && ns(d) == *n)
            .unwrap_or_else(|| panic!("no ExternalSecret produces {n}/{name}"));
        let entry = es["spec"]["data"]
            .as_sequence()
            .unwrap()
            .iter()
            .find(|e| e["secretKey"] == key.as_str())
            .unwrap_or_else(|| panic!("{name} lacks key {key}"));
        let arn = entry["remoteRef"]["key"].as_str().unwrap();
        assert!(arn.starts_with("arn:aws:secretsmanager:") && arn.rsplit('-').next().unwrap().len() == 6, "{arn}");
    }
    // Non-workload documents and untouched env entries are unchanged.
    let services: Vec<&Value> = output.iter().filter(|d| d["kind"] == "Service").collect();
    assert_eq!(services, input.iter().filter(|d| d["kind"] == "Service").collect::<Vec<_>>());
    let env = &output[0]["spec"]["template"]["spec"]["containers"][0]["env"];
    assert_eq!(env[0], input[0]["spec"]["template"]["spec"]["containers"][0]["env"][0]);
}

#[test]
fn a_templated_external_secret_keeps_every_key_of_the_secret() {
    use base64::Engine as _;
    let input = docs("testdata/deploy/k8s-secret-template/input.yaml");
    let output = docs("testdata/deploy/k8s-secret-template/expected.yaml");
    let (secret, es) = (&input[0], &output[0]);
    let mut want: Vec<(String, String)> = Vec::new();
    for (k, v) in secret["stringData"].as_mapping().unwrap() {
        want.push((k.as_str().unwrap().into(), v.as_str().unwrap().into()));
    }
    for (k, v) in secret["data"].as_mapping().unwrap() {
        let b = base64::engine::general_purpose::STANDARD.decode(v.as_str().unwrap()).unwrap();
        want.push((k.as_str().unwrap().into(), String::from_utf8(b).unwrap()));
    }
    let template = es["spec"]["target"]["template"]["data"].as_mapping().unwrap();
    assert_eq!(template.len(), want.len());
    for (k, v) in &want {
        let t = template[k.as_str()].as_str().unwrap();
        if k == "password" {
            assert_eq!(t, "{{ .password }}");
            assert!(es["spec"]["data"].as_sequence().unwrap().iter().any(|e| e["secretKey"] == "password"));
        } else {
            assert_eq!(t, v, "{k} keeps its value");
        }
    }
    assert_eq!(es["spec"]["target"]["template"]["type"], secret["type"]);
}
