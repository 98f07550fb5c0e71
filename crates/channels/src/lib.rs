//! Outbound channels. Each channel is one module that turns a prepared
//! message into the platform's protocol; what to send and to whom is
//! decided by the jobs runner in `web`.

pub mod smtp;
