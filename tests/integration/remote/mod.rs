//! The remote stores through the real binary: uploads to a real S3 server (moto, `s3`) and a
//! real Swift (`swift`, and Keystone v3 authentication in front of it, `keystone`); `support`
//! holds their shared setup; `timeouts` checks that a silent store cannot hang a run;
//! `compat` and `compat_tls` run the Python tool's Swift
//! configurations (python-swiftclient's options and environment variables, TLS trust).

mod compat;
mod compat_tls;
mod fake_keystone;
mod keystone;
mod s3;
pub mod support;
mod swift;
mod timeouts;
