//! Reading a Swift setting as python-swiftclient does: the section's option first (any of its
//! spellings), else its environment variable; users, projects and domains by id or by name.

use super::swift::{Domain, Named};
use super::Opts;

/// Options first, then the environment; remembers the variables read.
pub(super) struct Src<'a, 'b> {
    pub o: &'a Opts<'b>,
    pub used: Vec<&'static str>,
}

impl Src<'_, '_> {
    /// The value and where it came from (`opt_<key>` or the variable).
    pub fn pick(
        &mut self,
        opts: &[&'static str],
        envs: &[&'static str],
    ) -> Option<(String, String)> {
        if let Some((k, v)) = self.o.any(opts) {
            return Some((format!("opt_{k}"), v));
        }
        for name in envs {
            if let Some(v) = self.o.env(name) {
                self.used.push(name);
                return Some((name.to_string(), v));
            }
        }
        None
    }

    pub fn value(&mut self, opts: &[&'static str], envs: &[&'static str]) -> Option<String> {
        self.pick(opts, envs).map(|(_, v)| v)
    }

    /// An id or a name: options (id first), then the environment (id first).
    pub fn id_or_name(
        &mut self,
        id: (&[&'static str], &[&'static str]),
        name: (&[&'static str], &[&'static str]),
    ) -> Option<Result<String, String>> {
        if let Some((_, v)) = self.o.any(id.0) {
            return Some(Ok(v));
        }
        if let Some((_, v)) = self.o.any(name.0) {
            return Some(Err(v));
        }
        self.pick(&[], id.1)
            .map(|(_, v)| Ok(v))
            .or_else(|| self.pick(&[], name.1).map(|(_, v)| Err(v)))
    }

    pub fn domain(&mut self, of: &str) -> Domain {
        let (id, name): (&[&'static str], &[&'static str]) = match of {
            "user" => (&["os_user_domain_id"], &["os_user_domain_name"]),
            _ => (&["os_project_domain_id"], &["os_project_domain_name"]),
        };
        let (id_env, name_env): (&[&'static str], &[&'static str]) = match of {
            "user" => (&["OS_USER_DOMAIN_ID"], &["OS_USER_DOMAIN_NAME"]),
            _ => (&["OS_PROJECT_DOMAIN_ID"], &["OS_PROJECT_DOMAIN_NAME"]),
        };
        match self.id_or_name((id, id_env), (name, name_env)) {
            Some(Ok(id)) => Domain::Id(id),
            Some(Err(name)) => Domain::Name(name),
            None => Domain::Name("Default".into()),
        }
    }

    pub fn user(&mut self) -> Option<Named> {
        match self.id_or_name(
            (&["os_user_id"], &["OS_USER_ID"]),
            (&["os_username"], &["OS_USERNAME"]),
        )? {
            Ok(id) => Some(Named::Id(id)),
            Err(name) => Some(Named::Name {
                name,
                domain: self.domain("user"),
            }),
        }
    }

    pub fn project(&mut self) -> Option<Named> {
        match self.id_or_name(
            (
                &["os_project_id", "os_tenant_id"],
                &["OS_PROJECT_ID", "OS_TENANT_ID"],
            ),
            (
                &["os_project_name", "os_tenant_name"],
                &["OS_PROJECT_NAME", "OS_TENANT_NAME"],
            ),
        )? {
            Ok(id) => Some(Named::Id(id)),
            Err(name) => Some(Named::Name {
                name,
                domain: self.domain("project"),
            }),
        }
    }
}
