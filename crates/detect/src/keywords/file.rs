//! File keywords: the `file.name` and `file.data` buffers of the protocols that carry files
//! here beyond HTTP (FTP-DATA, SMTP), and the legacy `filename` / `fileext` keywords, which
//! Suricata 7 rewrites into a `nocase` content on `file.name` (`fileext:"x"` is a content
//! `".x"` with `endswith`). `filemagic` needs libmagic and is refused.
//!
//! Directions follow Suricata's file protocol table (`detect-parse.c`): SMTP files travel to
//! the server only; an FTP-DATA file travels in the direction its command announced.

use super::{list_for, CompileError, Compiled, VarTable};
use crate::keywords::content::ContentM;
use crate::keywords::Step;
use app::{AppProto, Record};
use rules::{Buffer, BufferRef, Content, FileMatchKind};

/// Whether records of `proto` fill file buffer `b` here (HTTP's `file.data` is the response
/// body, handled with the other HTTP buffers).
pub fn carries(proto: AppProto, b: Buffer) -> bool {
    matches!(
        (proto, b),
        (AppProto::FtpData, Buffer::FileName)
            | (
                AppProto::Smtp | AppProto::Smb,
                Buffer::FileName | Buffer::FileData
            )
    )
}

/// The directions files of `proto` travel in: (to server, to client).
pub fn directions(proto: AppProto) -> (bool, bool) {
    match proto {
        AppProto::Smtp => (true, false),
        _ => (true, true),
    }
}

/// Refuses a rule whose file buffers this engine cannot fill for its protocol `app` (it
/// would load and never match).
pub fn check(app: Option<AppProto>, c: &Compiled) -> Result<(), CompileError> {
    for (b, _) in &c.bufs {
        let file_buf = matches!(b.buffer, Buffer::FileName | Buffer::FileData);
        if !file_buf {
            continue;
        }
        let ok = match app {
            Some(p) if carries(p, b.buffer) => true,
            // HTTP response bodies (and rules without a protocol, which inspect them).
            Some(AppProto::Http | AppProto::Http2) | None => b.buffer == Buffer::FileData,
            _ => false,
        };
        if !ok {
            let proto = app.map_or("a rule without protocol", AppProto::name);
            return Err(CompileError::new(
                b.buffer.name(),
                format!(
                    "file buffer not filled for {proto} here (ftp-data file.name, smtp file.name/file.data)"
                ),
            ));
        }
    }
    Ok(())
}

/// Compiles `filename:"x"` / `fileext:"x"` into their `file.name` content.
pub fn compile_match(
    kind: FileMatchKind,
    negated: bool,
    value: &[u8],
    c: &mut Compiled,
    vars: &VarTable,
) -> Result<(), CompileError> {
    let mut x = Content::new(BufferRef::plain(Buffer::FileName), Vec::new());
    x.negated = negated;
    x.nocase = true;
    match kind {
        FileMatchKind::Name => x.pattern = value.to_vec(),
        FileMatchKind::Ext => {
            x.pattern = Vec::with_capacity(value.len() + 1);
            x.pattern.push(b'.');
            x.pattern.extend_from_slice(value);
            x.endswith = true;
        }
        FileMatchKind::Magic => {
            return Err(CompileError::new(
                "filemagic",
                "file type detection (libmagic) is not built",
            ));
        }
    }
    if value.is_empty() {
        return Err(CompileError::new("filename", "empty file name"));
    }
    let m = ContentM::compile(&x, vars)?;
    list_for(c, &x.buffer)?.steps.push(Step::Content(m));
    Ok(())
}

/// Appends the instances of file buffer `b` of an FTP-DATA or SMTP record seen from
/// `to_server`.
pub fn fetch(b: Buffer, rec: &Record, to_server: bool, out: &mut Vec<Vec<u8>>) {
    match rec {
        Record::FtpData(d)
            if b == Buffer::FileName && d.file_to_server == to_server && !d.filename.is_empty() =>
        {
            out.push(d.filename.as_bytes().to_vec());
        }
        Record::Smtp(s) if to_server => {
            for f in &s.files {
                match b {
                    Buffer::FileName => out.push(f.name.clone()),
                    // An empty file is no buffer (Suricata inspects no data then).
                    Buffer::FileData if !f.data.is_empty() => out.push(f.data.clone()),
                    _ => {}
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspect::inspect;

    fn compiled(kind: FileMatchKind, negated: bool, v: &[u8]) -> Compiled {
        let mut c = Compiled::default();
        compile_match(kind, negated, v, &mut c, &VarTable::default()).unwrap();
        for (_, l) in c.bufs.iter_mut() {
            l.finish();
        }
        c
    }

    fn matches(c: &Compiled, name: &[u8]) -> bool {
        let (b, l) = &c.bufs[0];
        assert_eq!(b.buffer, Buffer::FileName);
        inspect(l, name, &mut Vec::new())
    }

    #[test]
    fn filename_is_a_nocase_content() {
        let c = compiled(FileMatchKind::Name, false, b"temp.txt");
        assert!(matches(&c, b"TEMP.TXT"));
        assert!(matches(&c, b"dir/temp.txt.bak"));
        assert!(!matches(&c, b"temp.tx"));
        let c = compiled(FileMatchKind::Name, true, b"temp.txt");
        assert!(!matches(&c, b"temp.txt"));
        assert!(matches(&c, b"other"));
    }

    #[test]
    fn fileext_is_the_dotted_end() {
        let c = compiled(FileMatchKind::Ext, false, b"txt");
        assert!(matches(&c, b"temp.TXT"));
        assert!(!matches(&c, b"temp.txt.exe"));
        assert!(!matches(&c, b"txt"));
    }

    #[test]
    fn filemagic_and_empty_names_are_refused() {
        let mut c = Compiled::default();
        let v = VarTable::default();
        assert_eq!(
            compile_match(FileMatchKind::Magic, false, b"PE32", &mut c, &v)
                .unwrap_err()
                .keyword,
            "filemagic"
        );
        assert!(compile_match(FileMatchKind::Name, false, b"", &mut c, &v).is_err());
    }

    #[test]
    fn protocols_without_file_buffers_are_refused() {
        let c = compiled(FileMatchKind::Name, false, b"a");
        assert!(check(Some(AppProto::FtpData), &c).is_ok());
        assert!(check(Some(AppProto::Smtp), &c).is_ok());
        assert!(check(Some(AppProto::Http), &c).is_err());
        assert!(check(None, &c).is_err());
        assert_eq!(directions(AppProto::Smtp), (true, false));
        assert!(!carries(AppProto::FtpData, Buffer::FileData));
    }

    #[test]
    fn ftp_data_name_only_on_the_files_side() {
        let rec = Record::FtpData(Box::new(app::ftp::FtpDataRecord {
            filename: "temp.txt".into(),
            command: "RETR",
            file_to_server: true,
        }));
        let mut out = Vec::new();
        fetch(Buffer::FileName, &rec, false, &mut out);
        assert!(out.is_empty());
        fetch(Buffer::FileName, &rec, true, &mut out);
        assert_eq!(out, vec![b"temp.txt".to_vec()]);
        out.clear();
        fetch(Buffer::FileData, &rec, true, &mut out);
        assert!(out.is_empty());
    }
}
