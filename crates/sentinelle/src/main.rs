//! `sentinelle`: the binary. Parses Suricata-compatible flags, builds the configuration of each
//! stage, and wires capture → workers → EVE output. It does no parsing or matching itself.

mod config;
mod detection;
mod route;
mod run;
mod sensors;
mod worker;

use anyhow::{bail, Context, Result};
use clap::Parser;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "sentinelle",
    version,
    about = "Sentinelle network intrusion detection and prevention system"
)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Read packets from a pcap/pcapng file, or from every file in a folder.
    #[arg(short = 'r')]
    pub read: Option<PathBuf>,
    /// Output folder (eve.json is written there).
    #[arg(short = 'l', default_value = ".")]
    pub log_dir: PathBuf,
    /// Checksum validation: `none` disables it, `all` forces it; default `auto`.
    #[arg(short = 'k', value_parser = ["none", "all", "auto"])]
    pub checksum: Option<String>,
    /// Override a setting: `--set stream.midstream=true` (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// YAML configuration file (Suricata-style keys).
    #[arg(short = 'c')]
    pub config: Option<PathBuf>,
    /// `single` (one thread), `workers` / `autofp` (flow-affine worker pool).
    #[arg(long = "runmode")]
    pub runmode: Option<String>,
    /// Worker threads in `workers` mode (default: the number of CPUs).
    #[arg(long = "workers")]
    pub workers: Option<usize>,
    /// Signature file (replaces rule files from the config).
    #[arg(short = 'S')]
    pub sig_exclusive: Option<PathBuf>,
    /// Signature file (added to rule files from the config).
    #[arg(short = 's')]
    pub sig: Vec<PathBuf>,
    /// Make each alert say where its contents and pcres matched (`alert.explain`); same as
    /// `--set detect.explain=true`.
    #[arg(long = "explain")]
    pub explain: bool,
    /// List the rule keywords and exit.
    #[arg(long = "list-keywords")]
    pub list_keywords: bool,
}

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Checks values for SQL injection, one per line (standard input without files); prints
    /// `sqli<TAB>FINGERPRINT<TAB>INPUT` or `safe<TAB><TAB>INPUT` per line.
    SqliCheck { files: Vec<PathBuf> },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match real_main(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("sentinelle: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Output cut short by the reader (`| head`) is not an error worth a message.
fn quiet_on_broken_pipe(e: std::io::Error) -> Result<ExitCode> {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        Ok(ExitCode::SUCCESS)
    } else {
        Err(e.into())
    }
}

fn sqli_check(files: &[PathBuf]) -> Result<ExitCode> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if files.is_empty() {
        sense::sqli_check(std::io::stdin().lock(), &mut out).context("standard input")?;
    }
    for f in files {
        let file = std::fs::File::open(f).with_context(|| format!("opening {}", f.display()))?;
        sense::sqli_check(std::io::BufReader::new(file), &mut out)
            .with_context(|| f.display().to_string())?;
    }
    std::io::Write::flush(&mut out)?;
    Ok(ExitCode::SUCCESS)
}

fn real_main(cli: Cli) -> Result<ExitCode> {
    if let Some(Command::SqliCheck { files }) = &cli.command {
        return sqli_check(files);
    }
    let mut settings = config::Settings::default();
    if let Some(c) = &cli.config {
        settings.load_yaml(c)?;
    }
    for kv in &cli.set {
        settings.set(kv)?;
    }
    if cli.list_keywords {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        for k in rules::keywords() {
            if let Err(e) = writeln!(out, "{}: {}", k.name, k.description) {
                return quiet_on_broken_pipe(e);
            }
        }
        return out
            .flush()
            .map_or_else(quiet_on_broken_pipe, |_| Ok(ExitCode::SUCCESS));
    }
    let rule_config =
        detection::RuleConfig::from_settings(&settings, cli.sig_exclusive.as_deref(), &cli.sig)?;
    let detect_opts = detect::BuildOptions {
        ips: false,
        explain: cli.explain || settings.bool("detect.explain")?.unwrap_or(false),
    };
    let engine = detection::load(&rule_config, detect_opts)?;
    let Some(input) = cli.read.clone() else {
        bail!("nothing to do: give a capture with -r FILE (live capture is not built yet)");
    };
    std::fs::create_dir_all(&cli.log_dir)
        .with_context(|| format!("creating log folder {}", cli.log_dir.display()))?;
    let mut plan = run::Plan::from_cli(&cli, &settings)?;
    if let Some(e) = &engine {
        use rules::Buffer as B;
        // As Suricata: a rule on a HASSH buffer turns HASSH on.
        if [
            B::SshHassh,
            B::SshHasshString,
            B::SshHasshServer,
            B::SshHasshServerString,
        ]
        .into_iter()
        .any(|b| e.uses_buffer(b))
        {
            plan.engine.app.ssh_hassh = true;
        }
        // SMTP attachments are kept decoded only for rules on `file.data`.
        plan.engine.app.smtp_file_data = e.uses_buffer(B::FileData);
        plan.engine.app.smb_file_data = e.uses_buffer(B::FileData);
        plan.engine.app.smb_frames = e.uses_buffer(B::Frame);
        // HTTP/1 messages are kept whole only for rules on `frame:`.
        plan.engine.app.http.frames = e.uses_buffer(B::Frame);
        // SIP datagrams that do not parse still have a `pdu` frame.
        plan.engine.app.sip_frames = e.uses_buffer(B::Frame);
    }
    plan.engine.detect = engine;
    let report = run::offline(&plan, &input)?;
    eprintln!("{}", report.summary());
    Ok(if report.read_errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
