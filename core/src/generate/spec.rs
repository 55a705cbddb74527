//! An intent read from a spec file (JSON; the CLI turns YAML into JSON with positions
//! kept), with every error located by JSON pointer and line:column.

use super::{CiProvider, Intent, Repository};
use crate::text::diagnostic::{suggest, Diagnostic, Reporter, Severity};
use crate::text::json::{Kind, Node};

const FIELDS: [&str; 27] = [
    "provider",
    "account",
    "role",
    "providerArn",
    "region",
    "issuer",
    "audience",
    "repositories",
    "branches",
    "tags",
    "environments",
    "runPhases",
    "pullRequests",
    "anyRef",
    "workflow",
    "workflowName",
    "actors",
    "customSubject",
    "immutableSubject",
    "subjectKeys",
    "subjectValues",
    "subjectScope",
    "layer3",
    "codeOwners",
    "reviewers",
    "noAdminBypass",
    "terrateamTeam",
];

impl Repository {
    /// Reads one source as written on the command line or in a spec: `OWNER/NAME`, with
    /// GitLab's subgroups (`group/sub/project`) and HCP Terraform's optional project
    /// (`org/project/workspace`).
    pub fn parse(provider: CiProvider, text: &str) -> Option<Repository> {
        let (owner, name) = match provider {
            CiProvider::GitLab => text.rsplit_once('/')?,
            _ => text.split_once('/')?,
        };
        let (name, project) = match (provider, name.rsplit_once('/')) {
            (CiProvider::Terraform, Some((project, workspace))) => {
                (workspace, Some(project.to_string()))
            }
            (CiProvider::GitLab, _) | (_, None) => (name, None),
            (_, Some(_)) => return None,
        };
        (!owner.is_empty() && !name.is_empty()).then(|| Repository {
            owner: owner.to_string(),
            name: name.to_string(),
            project,
            ..Repository::default()
        })
    }
}

struct Reader<'t> {
    r: Reporter<'t>,
}

impl Reader<'_> {
    fn fail(&self, message: String, help: &str, pointer: &str, node: &Node) -> Diagnostic {
        self.r.make(
            Severity::Error,
            "invalid-spec",
            message,
            help,
            pointer,
            (node.start, node.end),
        )
    }

    fn string(&self, node: &Node, pointer: &str) -> Result<String, Diagnostic> {
        match &node.kind {
            Kind::String(s) => Ok(s.clone()),
            // Ids are often written as numbers.
            Kind::Number(n) if !n.contains(['.', 'e', 'E', '-']) => Ok(n.clone()),
            k => Err(self.fail(
                format!(
                    "`{}` must be a string, found {}",
                    pointer.trim_start_matches('/'),
                    k.describe()
                ),
                "write it in double quotes",
                pointer,
                node,
            )),
        }
    }

    fn bool(&self, node: &Node, pointer: &str) -> Result<bool, Diagnostic> {
        match node.kind {
            Kind::Bool(b) => Ok(b),
            ref k => Err(self.fail(
                format!(
                    "`{}` must be true or false, found {}",
                    pointer.trim_start_matches('/'),
                    k.describe()
                ),
                "write true or false",
                pointer,
                node,
            )),
        }
    }

    /// A list of strings; a single string is a list of one.
    fn strings(&self, node: &Node, pointer: &str) -> Result<Vec<String>, Diagnostic> {
        match &node.kind {
            Kind::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, n)| self.string(n, &format!("{pointer}/{i}")))
                .collect(),
            _ => Ok(vec![self.string(node, pointer)?]),
        }
    }

    fn repository(
        &self,
        provider: CiProvider,
        node: &Node,
        pointer: &str,
    ) -> Result<Repository, Diagnostic> {
        let bad = |at: &Node, text: &str| {
            self.fail(
                format!("`{text}` is not a {}", provider.source_noun()),
                &format!(
                    "write \"{}\" or {{\"repo\": ..., \"ownerId\": ..., \"id\": ...}}",
                    provider.source_noun()
                ),
                pointer,
                at,
            )
        };
        match &node.kind {
            Kind::String(s) => Repository::parse(provider, s).ok_or_else(|| bad(node, s)),
            Kind::Object(members) => {
                let mut repo: Option<Repository> = None;
                let (mut owner_id, mut id) = (None, None);
                for m in members {
                    let p = format!("{pointer}/{}", m.key);
                    match m.key.as_str() {
                        "repo" => {
                            let s = self.string(&m.value, &p)?;
                            repo = Some(
                                Repository::parse(provider, &s).ok_or_else(|| bad(&m.value, &s))?,
                            );
                        }
                        "ownerId" => owner_id = Some(self.string(&m.value, &p)?),
                        "id" => id = Some(self.string(&m.value, &p)?),
                        other => {
                            return Err(self.r.make(
                                Severity::Error,
                                "invalid-spec",
                                format!("unknown repository field `{other}`"),
                                "the fields are repo, ownerId, id",
                                &p,
                                (m.key_start, m.key_end),
                            ))
                        }
                    }
                }
                let mut repo = repo.ok_or_else(|| {
                    self.fail(
                        "a repository needs `repo`".into(),
                        "e.g. {\"repo\": \"acme/api\", \"id\": \"74\"}",
                        pointer,
                        node,
                    )
                })?;
                repo.owner_id = owner_id;
                repo.id = id;
                Ok(repo)
            }
            k => Err(self.fail(
                format!(
                    "a repository must be a string or an object, found {}",
                    k.describe()
                ),
                "write \"OWNER/REPO\"",
                pointer,
                node,
            )),
        }
    }
}

/// Reads an intent from spec JSON: `{"provider": "github", "account": "...",
/// "repositories": ["acme/api"], "branches": ["main"], ...}` (fields as the CLI flags, in
/// camelCase). Errors carry the JSON pointer and line:column.
pub fn read_intent(text: &str) -> Result<Intent, Diagnostic> {
    let reader = Reader {
        r: Reporter::new(text, "spec"),
    };
    if text.len() > crate::policy::parse::MAX_POLICY_BYTES {
        return Err(reader.r.make(
            Severity::Error,
            "input-too-large",
            format!(
                "the spec is {} bytes; oidc-trust reads up to {}",
                text.len(),
                crate::policy::parse::MAX_POLICY_BYTES
            ),
            "a spec is a few lines",
            "",
            (0, 0),
        ));
    }
    let root = reader.r.json(text)?;
    let Kind::Object(members) = &root.kind else {
        return Err(reader.fail(
            format!("a spec must be an object, found {}", root.kind.describe()),
            "write {\"account\": \"123456789012\", \"repositories\": [\"acme/api\"], \"branches\": [\"main\"]}",
            "",
            &root,
        ));
    };
    let mut intent = Intent::default();
    // The provider first: it says how repositories read.
    if let Some(m) = members.iter().find(|m| m.key == "provider") {
        let name = reader.string(&m.value, "/provider")?;
        intent.provider = CiProvider::parse(&name).ok_or_else(|| {
            let names: Vec<&str> = CiProvider::ALL.iter().map(|p| p.name()).collect();
            reader.fail(
                format!("`{name}` is not a provider"),
                &format!("use one of {}", names.join(", ")),
                "/provider",
                &m.value,
            )
        })?;
    }
    let mut seen: Vec<&str> = Vec::new();
    for m in members {
        let p = format!("/{}", m.key);
        let v = &m.value;
        if seen.contains(&m.key.as_str()) {
            return Err(reader.r.make(
                Severity::Error,
                "invalid-spec",
                format!("`{}` is given twice", m.key),
                "keep one",
                &p,
                (m.key_start, m.key_end),
            ));
        }
        seen.push(&m.key);
        // `null` leaves the default, as if the field were absent.
        if matches!(v.kind, Kind::Null) && FIELDS.contains(&m.key.as_str()) {
            continue;
        }
        match m.key.as_str() {
            "provider" => {}
            "account" => intent.account = reader.string(v, &p)?,
            "role" => intent.role_name = Some(reader.string(v, &p)?),
            "providerArn" => intent.provider_arn = Some(reader.string(v, &p)?),
            "region" => intent.region = Some(reader.string(v, &p)?),
            "issuer" => intent.issuer = Some(reader.string(v, &p)?),
            "audience" => intent.audience = Some(reader.string(v, &p)?),
            "repositories" => {
                let items = match &v.kind {
                    Kind::Array(items) => items.iter().collect::<Vec<_>>(),
                    _ => vec![v],
                };
                for (i, item) in items.into_iter().enumerate() {
                    intent.repositories.push(reader.repository(
                        intent.provider,
                        item,
                        &format!("{p}/{i}"),
                    )?);
                }
            }
            "branches" => intent.branches = reader.strings(v, &p)?,
            "tags" => intent.tags = reader.strings(v, &p)?,
            "environments" => intent.environments = reader.strings(v, &p)?,
            "runPhases" => intent.run_phases = reader.strings(v, &p)?,
            "actors" => intent.actors = reader.strings(v, &p)?,
            "pullRequests" => intent.pull_requests = reader.bool(v, &p)?,
            "anyRef" => intent.any_ref = reader.bool(v, &p)?,
            "customSubject" => intent.custom_subject = reader.bool(v, &p)?,
            "immutableSubject" => intent.immutable_subject = reader.bool(v, &p)?,
            "subjectKeys" => intent.subject_keys = reader.strings(v, &p)?,
            "subjectValues" => {
                let Kind::Object(pairs) = &v.kind else {
                    return Err(reader.fail(
                        format!(
                            "`subjectValues` must be an object, found {}",
                            v.kind.describe()
                        ),
                        "e.g. {\"runner_environment\": \"github-hosted\"}",
                        &p,
                        v,
                    ));
                };
                for pair in pairs {
                    let value = reader.string(&pair.value, &format!("{p}/{}", pair.key))?;
                    intent.subject_values.push((pair.key.clone(), value));
                }
            }
            "subjectScope" => {
                intent.org_subject = match reader.string(v, &p)?.as_str() {
                    "repo" => false,
                    "org" => true,
                    other => return Err(reader.fail(
                        format!("`{other}` is not a subject scope"),
                        "write \"repo\" (each repository) or \"org\" (the organisation's template)",
                        &p,
                        v,
                    )),
                }
            }
            "workflow" => intent.workflow = Some(reader.string(v, &p)?),
            "workflowName" => intent.workflow_name = Some(reader.string(v, &p)?),
            "layer3" => intent.layer3 = reader.bool(v, &p)?,
            "codeOwners" => intent.code_owners = reader.strings(v, &p)?,
            "reviewers" => intent.reviewers = reader.strings(v, &p)?,
            "noAdminBypass" => intent.no_admin_bypass = reader.bool(v, &p)?,
            "terrateamTeam" => intent.terrateam_team = Some(reader.string(v, &p)?),
            other => {
                let help = match suggest(other, FIELDS) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => format!("the fields are {}", FIELDS.join(", ")),
                };
                return Err(reader.r.make(
                    Severity::Error,
                    "invalid-spec",
                    format!("unknown field `{other}`"),
                    help,
                    &p,
                    (m.key_start, m.key_end),
                ));
            }
        }
    }
    Ok(intent)
}
