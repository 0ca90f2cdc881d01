// Leave out the standard library: it needs an operating system.
#![no_std]

fn main() {}
