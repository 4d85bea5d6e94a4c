//! SMTP. (To be written.)

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct SmtpRecord {}
