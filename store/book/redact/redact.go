// Package redact masks customers' personal data for screen sharing and
// demos (issue 16): contact and lead names, e-mail addresses, phone
// numbers, addresses and free text (descriptions, comments, subjects).
// Account names, amounts and stages stay, so a pipeline review can be
// shared.
//
// Masking is deterministic per value within a run — the same person gets
// the same alias wherever they are shown ("Person 7f3a9c") — and cannot be
// reversed: an alias is a keyed HMAC of the value under a random key made
// for the run and never shown or stored.
//
// The terminal app (ui), its panes (views) and the command line (ui/cli)
// share one Masker; a nil or switched-off Masker returns values as they
// are.
package redact

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"sync/atomic"

	"github.com/lazyforce/lazyforce/store"
)

// Masker masks personal data while it is on. It is safe for concurrent
// use: a command reading the cache may mask while the user toggles it.
type Masker struct {
	key []byte
	on  atomic.Bool
}

// New returns a Masker with a fresh random key, on or off.
func New(on bool) *Masker {
	key := make([]byte, 32)
	_, _ = rand.Read(key) // crypto/rand.Read never fails (Go 1.24+)
	return NewWithKey(key, on)
}

// NewWithKey returns a Masker with a given key (for tests: the same key
// gives the same aliases).
func NewWithKey(key []byte, on bool) *Masker {
	m := &Masker{key: append([]byte(nil), key...)}
	m.on.Store(on)
	return m
}

// On reports whether values are masked; false for a nil Masker.
func (m *Masker) On() bool { return m != nil && m.on.Load() }

// Set switches masking on or off.
func (m *Masker) Set(on bool) { m.on.Store(on) }

// alias returns label and the first bytes of the HMAC of kind and the
// normalised value, hex-encoded.
func (m *Masker) alias(label, kind, normalised string) string {
	mac := hmac.New(sha256.New, m.key)
	mac.Write([]byte(kind))
	mac.Write([]byte{0})
	mac.Write([]byte(normalised))
	return label + " " + hex.EncodeToString(mac.Sum(nil)[:3])
}

// Person masks a person's name (a contact's, a lead's, an activity's
// "who"): "Person 7f3a9c", the same for the same name however it is
// spaced or cased.
func (m *Masker) Person(name string) string {
	if !m.On() || strings.TrimSpace(name) == "" {
		return name
	}
	return m.alias("Person", "person", strings.ToLower(strings.Join(strings.Fields(name), " ")))
}

// Email masks an e-mail address: "email-7f3a9c@redacted.invalid" (the
// same for the same address in any case).
func (m *Masker) Email(email string) string {
	if !m.On() || strings.TrimSpace(email) == "" {
		return email
	}
	e, _, _ := store.NormalizeEmail(email)
	return strings.Replace(m.alias("email", "email", e), " ", "-", 1) + "@redacted.invalid"
}

// Phone masks a phone number: "Phone 7f3a9c" (the same for the same
// digits however they are written).
func (m *Masker) Phone(phone string) string {
	if !m.On() || strings.TrimSpace(phone) == "" {
		return phone
	}
	return m.alias("Phone", "phone", store.PhoneDigits(phone))
}

// Address masks part of a postal address (street, city, postal code).
func (m *Masker) Address(part string) string {
	if !m.On() || strings.TrimSpace(part) == "" {
		return part
	}
	return m.alias("Place", "address", strings.ToLower(strings.TrimSpace(part)))
}

// Text masks free text (a description, a comment, a subject).
func (m *Masker) Text(text string) string {
	if !m.On() || strings.TrimSpace(text) == "" {
		return text
	}
	return m.alias("Text", "text", text)
}
