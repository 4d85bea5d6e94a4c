//! HTTP/1.x. (To be written.)

#[derive(Debug, Clone, Default)]
pub struct HttpConfig {}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct HttpTx {}
