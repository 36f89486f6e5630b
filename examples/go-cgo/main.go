// A net/http server on port 8080 whose answer comes from SQLite through cgo:
// the binary links Debian's libsqlite3 dynamically, so the final image needs
// libsqlite3-0 (stagec infers it from libsqlite3-dev) and a glibc base.
package main

/*
#cgo LDFLAGS: -lsqlite3
#include <sqlite3.h>
*/
import "C"

import (
	"fmt"
	"log"
	"net/http"
)

func main() {
	version := C.GoString(C.sqlite3_libversion())
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(w, "Hello from Go with cgo! (SQLite %s)\n", version)
	})
	log.Fatal(http.ListenAndServe(":8080", nil))
}
