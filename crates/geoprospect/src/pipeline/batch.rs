//! `geoprospect batch`: many surveys in one go, sharing the engine's worker threads.
//!
//! Each survey runs into its own output folder `OUT/<survey>/`; a failing survey is recorded
//! and the others go on. The summary (status, timings, what was produced) is returned and
//! written to `OUT/batch_summary.csv`.
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::io::atomic::AtomicFile;
use crate::pipeline::{run, RunOptions};
use crate::project::Project;

/// The project files named by `inputs`: files as given, and for folders every `*.toml`
/// directly inside plus `*/project.toml` one level down, sorted.
pub fn find_projects(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let mut here = Vec::new();
            let entries = std::fs::read_dir(input)
                .map_err(|e| Error::input(input, format!("cannot list folder: {e}")))?;
            for entry in entries.flatten() {
                let p = entry.path();
                if p.is_dir() && p.join("project.toml").is_file() {
                    here.push(p.join("project.toml"));
                } else if p.extension().is_some_and(|e| e == "toml") && p.is_file() {
                    here.push(p);
                }
            }
            if here.is_empty() {
                return Err(Error::input(
                    input,
                    "no project files (*.toml or */project.toml) in this folder",
                ));
            }
            here.sort();
            found.extend(here);
        } else if input.is_file() {
            found.push(input.clone());
        } else {
            return Err(Error::input(input, "file not found"));
        }
    }
    Ok(found)
}

/// The survey's name: the file stem, or the folder name for `.../<name>/project.toml`.
pub fn survey_name(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if stem == "project" {
        if let Some(dir) = path.parent().and_then(|p| p.file_name()) {
            return dir.to_string_lossy().into_owned();
        }
    }
    stem
}

/// How one survey went.
#[derive(Debug)]
pub struct SurveyOutcome {
    /// Survey name (unique within the batch).
    pub name: String,
    /// The project file.
    pub project: PathBuf,
    /// Its output folder.
    pub out: PathBuf,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// `Ok` with what was produced, or the error.
    pub result: std::result::Result<SurveyCounts, Error>,
}

/// What one survey of a batch produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SurveyCounts {
    /// Grid columns.
    pub width: usize,
    /// Grid rows.
    pub height: usize,
    /// Input layers ingested.
    pub layers: usize,
    /// Sample sets read.
    pub sample_sets: usize,
    /// Occurrences read.
    pub occurrences: usize,
}

impl std::fmt::Display for SurveyCounts {
    /// `300x250 cells, 4 layers, 1 sample sets, 13 occurrences`, as `batch_summary.csv` has it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}x{} cells, {} layers, {} sample sets, {} occurrences",
            self.width, self.height, self.layers, self.sample_sets, self.occurrences
        )
    }
}

/// The outcome of a batch, in input order.
#[derive(Debug)]
pub struct BatchSummary {
    /// One entry per survey.
    pub surveys: Vec<SurveyOutcome>,
}

/// Runs every project into `out/<survey>/`, continuing past failures.
pub fn run_batch(
    projects: &[PathBuf],
    out: &Path,
    engine: &Engine,
    options: &RunOptions,
) -> Result<BatchSummary> {
    std::fs::create_dir_all(out)
        .map_err(|e| Error::output(out, format!("cannot create output folder: {e}")))?;
    let mut used = BTreeSet::new();
    let mut surveys = Vec::with_capacity(projects.len());
    for project in projects {
        let base = survey_name(project);
        let mut name = base.clone();
        for k in 2.. {
            if used.insert(name.clone()) {
                break;
            }
            name = format!("{base}_{k}");
        }
        let dir = out.join(&name);
        let start = Instant::now();
        tracing::info!("survey {name}: {}", project.display());
        let result = Project::load(project)
            .and_then(|p| run(&p, &dir, engine, options))
            .map(|s| SurveyCounts {
                width: s.grid.width,
                height: s.grid.height,
                layers: s.layers.len(),
                sample_sets: s.samples.len(),
                occurrences: s.occurrences,
            });
        if let Err(e) = &result {
            tracing::warn!("survey {name} failed: {e}");
        }
        surveys.push(SurveyOutcome {
            name,
            project: project.clone(),
            out: dir,
            seconds: start.elapsed().as_secs_f64(),
            result,
        });
    }
    let summary = BatchSummary { surveys };
    summary.write_csv(&out.join("batch_summary.csv"))?;
    Ok(summary)
}

impl BatchSummary {
    /// Number of failed surveys.
    pub fn failed(&self) -> usize {
        self.surveys.iter().filter(|s| s.result.is_err()).count()
    }

    /// The worst exit code among failures (0 when all succeeded).
    pub fn exit_code(&self) -> i32 {
        self.surveys
            .iter()
            .filter_map(|s| s.result.as_ref().err())
            .map(Error::exit_code)
            .max()
            .unwrap_or(0)
    }

    fn write_csv(&self, path: &Path) -> Result<()> {
        let file = AtomicFile::new(path)?;
        let err = |e: csv::Error| Error::output(path, format!("cannot write: {e}"));
        let mut w = csv::Writer::from_path(file.path()).map_err(err)?;
        w.write_record(["survey", "project", "status", "seconds", "output", "result"])
            .map_err(err)?;
        for s in &self.surveys {
            let (status, text) = match &s.result {
                Ok(t) => ("ok", t.to_string()),
                Err(e) => ("failed", e.to_string()),
            };
            w.write_record([
                s.name.clone(),
                s.project.display().to_string(),
                status.to_string(),
                format!("{:.3}", s.seconds),
                s.out.display().to_string(),
                text,
            ])
            .map_err(err)?;
        }
        w.flush()
            .map_err(|e| Error::output(path, format!("cannot write: {e}")))?;
        drop(w);
        file.commit()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn survey_names_come_from_file_or_folder() {
        assert_eq!(survey_name(Path::new("a/korea/project.toml")), "korea");
        assert_eq!(survey_name(Path::new("a/gobi_2024.toml")), "gobi_2024");
    }

    #[test]
    fn folders_are_searched_one_level() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("b")).unwrap();
        std::fs::write(dir.path().join("b/project.toml"), "").unwrap();
        std::fs::write(dir.path().join("a.toml"), "").unwrap();
        std::fs::write(dir.path().join("notes.txt"), "").unwrap();
        let found = find_projects(&[dir.path().to_path_buf()]).unwrap();
        assert_eq!(
            found,
            vec![dir.path().join("a.toml"), dir.path().join("b/project.toml")]
        );
        assert!(find_projects(&[dir.path().join("nope.toml")]).is_err());
    }
}
