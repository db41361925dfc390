//go:build !unix

package main

// ownerOnly has no umask to set here: the data folder's own permissions are all there is.
func ownerOnly() {}
