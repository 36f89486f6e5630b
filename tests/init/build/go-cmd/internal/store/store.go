// Package store keeps widgets in memory.
package store

import "sort"

type Store struct{ names []string }

func New(names ...string) *Store { return &Store{names: names} }

func (s *Store) Names() []string {
	out := append([]string(nil), s.names...)
	sort.Strings(out)
	return out
}
