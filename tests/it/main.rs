//! The integration tests of jalon, in one test binary: linking each file as its own
//! binary cost ~200 MB of disk apiece and filled the CI machine.

mod common;

mod accessibility;
mod broken_inputs;
mod calendars;
mod catalogue;
mod configurable_hierarchy;
mod example_site;
mod failed_build;
mod fuzz_inputs;
mod html_validity;
mod incremental;
mod indicators;
mod links;
mod open_data;
mod pdf;
mod reliability;
mod scaffold;
mod search;
mod serve;
