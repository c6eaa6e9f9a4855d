//! `${name}` placeholders in a gateway file, filled from `--set name=value`
//! before the YAML is parsed. Values are inserted verbatim, so a placeholder
//! that may hold YAML-special characters is written quoted (`"${wasm_path}"`).
//! Whole comment lines are left alone.

use std::collections::BTreeMap;

/// Placeholder values, from `--set name=value` arguments.
#[derive(Debug, Clone, Default)]
pub struct Vars(BTreeMap<String, String>);

impl Vars {
    /// Parses `name=value` pairs; names follow the placeholder rule.
    pub fn from_pairs<S: AsRef<str>>(pairs: &[S]) -> Result<Self, String> {
        let mut map = BTreeMap::new();
        for pair in pairs {
            let pair = pair.as_ref();
            let Some((name, value)) = pair.split_once('=') else {
                return Err(format!("--set {pair}: expected name=value"));
            };
            if !is_name(name) {
                return Err(format!(
                    "--set {pair}: '{name}' is not a placeholder name ([A-Za-z_][A-Za-z0-9_]*)"
                ));
            }
            map.insert(name.to_owned(), value.to_owned());
        }
        Ok(Self(map))
    }

    pub fn insert(&mut self, name: &str, value: &str) {
        self.0.insert(name.to_owned(), value.to_owned());
    }

    /// Fills every `${name}`. Every placeholder without a value is reported
    /// (with its line); names given but never used are returned for a warning.
    pub fn substitute(&self, text: &str) -> Result<(String, Vec<String>), Vec<String>> {
        let mut out = String::with_capacity(text.len());
        let mut missing = Vec::new();
        let mut used = std::collections::BTreeSet::new();
        for (index, line) in text.split_inclusive('\n').enumerate() {
            if line.trim_start().starts_with('#') {
                // A YAML comment line: placeholders there are documentation.
                out.push_str(line);
                continue;
            }
            let mut rest = line;
            while let Some(start) = rest.find("${") {
                let (before, after) = rest.split_at(start);
                out.push_str(before);
                let body = after.get(2..).unwrap_or("");
                match body.find('}') {
                    Some(end) if is_name(body.get(..end).unwrap_or("")) => {
                        let name = body.get(..end).unwrap_or("");
                        match self.0.get(name) {
                            Some(value) => {
                                out.push_str(value);
                                used.insert(name.to_owned());
                            }
                            None => missing.push(format!(
                                "line {}: ${{{name}}} has no value (pass --set {name}=...)",
                                index + 1
                            )),
                        }
                        rest = body.get(end + 1..).unwrap_or("");
                    }
                    _ => {
                        // Not a placeholder: keep the text as written.
                        out.push_str("${");
                        rest = body;
                    }
                }
            }
            out.push_str(rest);
        }
        if !missing.is_empty() {
            return Err(missing);
        }
        let unused = self
            .0
            .keys()
            .filter(|k| !used.contains(*k))
            .cloned()
            .collect();
        Ok((out, unused))
    }
}

fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_placeholders_and_reports_unused() {
        let vars = Vars::from_pairs(&["port=8080", "spare=1"]).unwrap();
        let (text, unused) = vars
            .substitute("port: ${port}\nx: $y ${ z}\n  # ${doc}\n")
            .unwrap();
        assert_eq!(text, "port: 8080\nx: $y ${ z}\n  # ${doc}\n");
        assert_eq!(unused, vec!["spare".to_owned()]);
    }

    #[test]
    fn every_missing_placeholder_is_named_with_its_line() {
        let err = Vars::default()
            .substitute("a: ${one}\nb: 1\nc: ${two} ${one}\n")
            .unwrap_err();
        assert_eq!(err.len(), 3);
        assert!(err[0].starts_with("line 1: ${one}"), "{err:?}");
        assert!(err[1].starts_with("line 3: ${two}"), "{err:?}");
    }

    #[test]
    fn bad_set_arguments_are_refused() {
        assert!(Vars::from_pairs(&["novalue"]).is_err());
        assert!(Vars::from_pairs(&["1x=2"]).is_err());
        assert!(Vars::from_pairs(&["a-b=2"]).is_err());
        let v = Vars::from_pairs(&["url=http://h/?a=b"]).unwrap();
        assert_eq!(v.substitute("${url}").unwrap().0, "http://h/?a=b");
    }
}
