// Package greeting says hello.
package greeting

import "fmt"

// For returns the greeting for name.
func For(name string) string { return fmt.Sprintf("hello, %s", name) }
