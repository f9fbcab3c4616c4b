//! The remote stores through the real binary: uploads to a real S3 server (moto, `s3`) and a
//! real Swift (`swift`, and Keystone v3 authentication in front of it, `keystone`); `support`
//! holds their shared setup.

mod keystone;
mod s3;
pub mod support;
mod swift;
