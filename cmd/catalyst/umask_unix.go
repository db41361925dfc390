//go:build unix

package main

import "syscall"

// ownerOnly makes what this process creates readable by its owner alone (files 0600, folders
// 0700): `catalyst dev` keeps sealed bids and keys in its data folder.
func ownerOnly() { syscall.Umask(0o077) }
