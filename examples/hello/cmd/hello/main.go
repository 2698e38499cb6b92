// Command hello greets its first argument, or the gopher.
package main

import (
	"fmt"
	"os"

	"example.com/hello/greeting"
)

var version = "dev"

func main() {
	name := "gopher"
	if len(os.Args) > 1 {
		name = os.Args[1]
		if name == "--version" {
			fmt.Println(version)
			return
		}
	}
	fmt.Println(greeting.For(name), "from", version)
}
