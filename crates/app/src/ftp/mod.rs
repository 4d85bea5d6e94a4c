//! FTP. (To be written.)

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct FtpRecord {}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct FtpDataRecord {}
