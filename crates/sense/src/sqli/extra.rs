//! Additions to libinjection's tables, kept apart from the generated data so that each one is
//! visible and justified.
//!
//! libinjection's keyword table dates from 2013-2016. SQL functions that sqlmap's current
//! payloads (`data/xml/payloads/*.xml`, `queries.xml`) call and that the table lacks are added
//! here as functions; without them a call such as `GTID_SUBSET(...)` reads as a bare word and
//! the fingerprint loses its `f`. Generic words that are also everyday values (`CODE`, `LEN`,
//! `STR`, `VALUE`, `USERNAME`, `OVER`) are deliberately left out.

/// Extra upper-case words with their token type, sorted by bytes.
pub(crate) static EXTRA_KEYWORDS: &[(&[u8], u8)] = &[
    (b"ANALYSE", b'f'),                 // MySQL PROCEDURE ANALYSE(...)
    (b"ASCII_VAL", b'f'),               // Firebird
    (b"ASCW", b'f'),                    // MS Access
    (b"BINTOSTR", b'f'),                // SAP MaxDB
    (b"BITCOUNT", b'f'),                // Vertica
    (b"BITSTRING_TO_BINARY", b'f'),     // Vertica
    (b"CODEPOINT", b'f'),               // Informix / Cache
    (b"COL_DESCRIPTION", b'f'),         // PostgreSQL
    (b"CRYPT_KEY", b'f'),               // HSQLDB
    (b"DATABASE_VERSION", b'f'),        // HSQLDB
    (b"DBINFO", b'f'),                  // Informix
    (b"FN_LISTEXTENDEDPROPERTY", b'f'), // MS SQL Server
    (b"GTID_SUBSET", b'f'),             // MySQL >= 5.6 error-based
    (b"GTID_SUBTRACT", b'f'),           // MySQL >= 5.6 error-based
    (b"H2VERSION", b'f'),               // H2
    (b"HEX_ENCODE", b'f'),              // Presto / Cache
    (b"NVARCHAR", b't'),                // MS SQL Server type
    (b"NVL", b'f'),                     // Oracle
    (b"RAISE_ERROR", b'f'),             // IBM DB2 error-based
    (b"RAWTOHEX", b'f'),                // Oracle
    (b"REGEXP_SUBSTRING", b'f'),        // HSQLDB / H2 time-based
    (b"SHOW_ROLE", b'f'),               // Informix
    (b"SUBSTRC", b'f'),                 // Oracle
    (b"SYS_STAT", b'f'),                // Mimer
    (b"UNICODE_CODE", b'f'),            // Mckoi / Cubrid
    (b"USERENV", b'f'),                 // Oracle
];

/// Extra SQLi fingerprints (libinjection type codes, case as produced by the folder).
///
/// Each comes from a sqlmap 1.7 technique that libinjection's set misses — subquery
/// juxtaposition `1)(SELECT ...)` (HSQLDB/MySQL time-based), stacked queries after a number or
/// string (`1;SELECT ...`, `2;WAITFOR DELAY ...`), comma-separated subqueries
/// `1,(SELECT CASE ...)` (ORDER BY / column injection), and MySQL `PROCEDURE ANALYSE(...)` — and
/// was checked against the benign corpus (`corpus/benign-params.txt`) before being added.
pub(crate) static EXTRA_FINGERPRINTS: &[&[u8]] = &[
    b"1(E(E", // 1 (SELECT (CASE ...
    b"1)(E(", // 1)(SELECT (CASE ...
    b"1)(Ef", // 1)(SELECT COUNT(*) ...
    b"1)Es&", // 1) WAITFOR DELAY '0:0:5' AND (...
    b"1)k1(", // 1) WHERE 1=1 (SELECT ...
    b"1,(EE", // 1,(SELECT CASE WHEN ...
    b"1,(Eo", // 1,(SELECT * FROM ...
    b"1,(Tf", // 1,(BEGIN IF (...
    b"1;(Eo", // 1;(SELECT * FROM ...
    b"1;EEk", // 1;SELECT CASE WHEN ...
    b"1;Eok", // 1;SELECT * FROM ...
    b"1;Es",  // 2;WAITFOR DELAY '0:0:5'
    b"1;f(1", // 1;IIF(1=1,1,1/0)
    b"1?o(E", // 1]-(SELECT ...
    b"1Es",   // 1 WAITFOR DELAY '0:0:5'
    b"1k1(E", // 1 WHERE 1=1 (SELECT ...
    b"Eokf(", // (SELECT * FROM GENERATE_SERIES(...
    b"n)k1(", // `) WHERE 1=1 (SELECT ...
    b"n)k1f", // `) WHERE 1=1 PROCEDURE ANALYSE(...
    b"nEs&n", // `=`1` WAITFOR DELAY '0:0:5' AND `1`=`1
    b"nk1(E", // ` WHERE 1=1 (SELECT ...
    b"nk1f(", // ` WHERE 1=1 PROCEDURE ANALYSE(...
    b"s(E(E", // ' (SELECT (CASE ...
    b"s)(E(", // ')(SELECT (CASE ...
    b"s)(Ef", // ')(SELECT COUNT(*) ...
    b"s)Es&", // ') WAITFOR DELAY '0:0:5' AND (...
    b"s)k1(", // ') WHERE 1=1 (SELECT ...
    b"s,(EE", // ',(SELECT CASE WHEN ...
    b"s,(Eo", // ',(SELECT * FROM ...
    b"s,(Tf", // ',(BEGIN IF (...
    b"sEs&s", // ' WAITFOR DELAY '0:0:5' AND 'a'='a
    b"sk)(E", // ' IN BOOLEAN MODE)(SELECT ...
    b"sk1(E", // ' WHERE 1=1 (SELECT ...
];

/// Is `fp` (as produced by the folder) one of [`EXTRA_FINGERPRINTS`]?
#[cfg(test)]
fn is_extra_fingerprint(fp: &[u8]) -> bool {
    EXTRA_FINGERPRINTS.binary_search(&fp).is_ok()
}

/// Look `key` (already upper-case) up in [`EXTRA_KEYWORDS`]; 0 when absent.
#[cfg(test)]
fn lookup_extra(key: &[u8]) -> u8 {
    EXTRA_KEYWORDS
        .binary_search_by(|(w, _)| (*w).cmp(key))
        .ok()
        .and_then(|i| EXTRA_KEYWORDS.get(i))
        .map_or(0, |e| e.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_and_disjoint_from_libinjection() {
        assert!(EXTRA_KEYWORDS.windows(2).all(|w| w[0].0 < w[1].0));
        for (w, _) in EXTRA_KEYWORDS {
            assert!(
                super::super::data::KEYWORDS
                    .binary_search_by(|(k, _)| (*k).cmp(w))
                    .is_err(),
                "{}",
                String::from_utf8_lossy(w)
            );
        }
        assert_eq!(lookup_extra(b"GTID_SUBSET"), b'f');
        assert_eq!(lookup_extra(b"CODE"), 0);
        assert!(EXTRA_FINGERPRINTS.windows(2).all(|w| w[0] < w[1]));
        for f in EXTRA_FINGERPRINTS {
            assert!(
                !super::super::is_known_fingerprint(f),
                "{}",
                String::from_utf8_lossy(f)
            );
        }
        assert!(is_extra_fingerprint(b"1;Es"));
        assert!(!is_extra_fingerprint(b"1;E"));
    }
}
