# Runs every case through the CLI once and writes what it answered into cases.json
# ("expect"), for review: `python3 tests/bad-inputs/record.py target/debug/oidc-trust`.
import json, subprocess, sys, tempfile, os
bin_ = sys.argv[1]
here = os.path.dirname(os.path.abspath(__file__))
root = os.path.join(here, "..", "..")
cases = json.load(open(os.path.join(here, "cases.json")))
for c in cases:
    kind = c["kind"]
    if kind == "hcl":
        # A module of its own: every .tf file of a directory is one module.
        module = tempfile.mkdtemp()
        path = os.path.join(module, "main.tf")
        open(path, "w", encoding="utf-8").write(c["text"])
    else:
        with tempfile.NamedTemporaryFile("w", suffix=".yaml" if "YAML" in c["name"] else ".json", delete=False, encoding="utf-8") as f:
            f.write(c["text"])
            path = f.name
    if kind == "policy":
        args = ["eval", "--policy", path, "--claims", "examples/tokens/main.json", "--format", "json"]
    elif kind == "claims":
        args = ["eval", "--policy", "examples/policies/basic-repo.json", "--claims", path, "--format", "json"]
    elif kind == "token":
        args = ["eval", "--policy", "examples/policies/basic-repo.json", "--token", path, "--format", "json"]
    elif kind in ("terraform", "cloudformation", "hcl"):
        args = ["lint", path, "--format", "json"]
    else:
        extra = c["args"]
        policy = [] if "--policy" in extra else ["--policy", "examples/policies/basic-repo.json"]
        args = ["eval", *policy, "--claims", "examples/tokens/main.json", *extra, "--format", "json"]
    r = subprocess.run([bin_, *args], cwd=root, capture_output=True, text=True)
    os.unlink(path)
    try:
        out = json.loads(r.stdout)
        err = out.get("error") or (out.get("errors") or [{}])[0]
    except Exception:
        err = {}
    c["expect"] = {"exit": r.returncode, "code": err.get("code"), "line": err.get("line"), "column": err.get("column")}
json.dump(cases, open(os.path.join(here, "cases.json"), "w"), indent=1, ensure_ascii=False)
for c in cases:
    e = c["expect"]
    print(f'{c["kind"]:15} {e["exit"]} {str(e["code"]):32} {str(e["line"]):>5}:{str(e["column"]):<6} {c["name"]}')
