package store

import (
	"slices"
	"testing"
)

func TestNormalizePhone(t *testing.T) {
	tests := []struct {
		name, typed, region string
		e164, ext           string
	}{
		{"US international", "+1 (415) 555-0100", "", "+14155550100", ""},
		{"US dots", "415.555.0100", "US", "+14155550100", ""},
		{"US bare", "4155550100", "US", "+14155550100", ""},
		{"US E.164", "+14155550100", "", "+14155550100", ""},
		{"US with trunk 1", "1-415-555-0100", "US", "+14155550100", ""},
		{"US extension", "(415) 555-0100 ext. 123", "US", "+14155550100", "123"},
		{"US x extension", "415-555-0100 x7", "US", "+14155550100", "7"},
		{"UK national", "020 7946 0958", "GB", "+442079460958", ""},
		{"UK international", "+44 20 7946 0958", "", "+442079460958", ""},
		{"UK from the US", "011 44 20 7946 0958", "US", "+442079460958", ""},
		{"UK 00 prefix", "0044 20 7946 0958", "DE", "+442079460958", ""},
		{"German national", "030 901820", "DE", "+4930901820", ""},
		{"German international", "+49 (0)30 901820", "", "+4930901820", ""},
		{"German mobile", "0151 23456789", "DE", "+4915123456789", ""},
		{"Indian mobile", "+91 98765 43210", "", "+919876543210", ""},
		{"Indian national", "098765 43210", "IN", "+919876543210", ""},
		{"Brazilian mobile", "+55 11 91234-5678", "", "+5511912345678", ""},
		{"Brazilian national", "(11) 91234-5678", "BR", "+5511912345678", ""},
		{"Japanese national", "03-1234-5678", "JP", "+81312345678", ""},
		{"Japanese international", "+81 3-1234-5678", "", "+81312345678", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, ok := NormalizePhone(tt.typed, tt.region)
			if !ok || p.E164 != tt.e164 || p.Ext != tt.ext {
				t.Errorf("NormalizePhone(%q, %q) = %+v, %v; want %s ext %q", tt.typed, tt.region, p, ok, tt.e164, tt.ext)
			}
		})
	}
	if p, ok := NormalizePhone("12 3", ""); !ok || p.Digits != "123" {
		t.Errorf(`"12 3" = %+v, %v; want digits 123`, p, ok)
	}
	if _, ok := NormalizePhone("Acme 1", "US"); ok {
		t.Error("text with one digit taken for a phone number")
	}
}

func TestNormalizeEmail(t *testing.T) {
	tests := []struct{ typed, email, canonical string }{
		{"  Jane.Doe@Example.COM ", "jane.doe@example.com", ""},
		{"jane+crm@example.com", "jane+crm@example.com", "jane@example.com"},
		{"JANE+News@Example.com", "jane+news@example.com", "jane@example.com"},
	}
	for _, tt := range tests {
		e, c, ok := NormalizeEmail(tt.typed)
		if !ok || e != tt.email || c != tt.canonical {
			t.Errorf("NormalizeEmail(%q) = %q %q %v", tt.typed, e, c, ok)
		}
	}
	if _, _, ok := NormalizeEmail("jane"); ok {
		t.Error("an address without @ accepted")
	}
}

func TestPhoneDigits(t *testing.T) {
	for stored, want := range map[string]string{
		"(415) 555-0100": "4155550100", "+1 415 555 0100": "14155550100", "020 7946 0958": "2079460958",
		"+44 (0)20 7946 0958": "442079460958", "(415) 555-0100 ext. 12": "4155550100", "415-555-0100 x7": "4155550100",
		"12 3": "123", "+55 11 91234-5678": "5511912345678", "03-1234-5678": "312345678",
	} {
		if got := PhoneDigits(stored); got != want {
			t.Errorf("PhoneDigits(%q) = %q, want %q", stored, got, want)
		}
	}
}

func TestRegionOf(t *testing.T) {
	for country, want := range map[string]string{"United States": "US", "United Kingdom": "GB", " uk ": "GB", "DE": "DE", "Brazil": "BR", "Narnia": ""} {
		if got := RegionOf(country); got != want {
			t.Errorf("RegionOf(%q) = %q, want %q", country, got, want)
		}
	}
}

func hitIDs(hits []ReachHit) []string {
	var ids []string
	for _, h := range hits {
		if !slices.Contains(ids, h.ID) {
			ids = append(ids, h.ID)
		}
	}
	slices.Sort(ids)
	return ids
}

func TestFindPhoneAndEmail(t *testing.T) {
	s := openTemp(t)
	c1, c2, l1, a1 := "003000000000001AAA", "003000000000002AAA", "00Q000000000001AAA", "001000000000001AAA"
	err := s.Update(func(w *Writer) error {
		for _, r := range []struct{ object, id, extra string }{
			{"Contact", c1, `,"Phone":"(415) 555-0100","MailingCountry":"United States","Email":"Jane+CRM@Example.com"`},
			{"Contact", c2, `,"Phone":"020 7946 0958","MailingCountry":"United Kingdom","MobilePhone":"12 3"`},
			{"Lead", l1, `,"Phone":"4155550100","Email":"bob@example.org"`},
			{"Account", a1, `,"Phone":"+49 30 901820","BillingCountry":"Germany"`},
		} {
			if _, err := w.PutRecord(r.object, rec(r.object, r.id, r.extra)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	phone := func(typed, region string) []string {
		t.Helper()
		p, ok := NormalizePhone(typed, region)
		if !ok {
			t.Fatalf("%q is no phone", typed)
		}
		hits, err := s.FindPhone(p, 0)
		if err != nil {
			t.Fatal(err)
		}
		return hitIDs(hits)
	}
	for _, typed := range []string{"+1 (415) 555-0100", "415.555.0100", "4155550100", "+14155550100"} {
		if got := phone(typed, ""); !slices.Equal(got, []string{c1, l1}) {
			t.Errorf("%q found %v, want the contact and the lead", typed, got)
		}
	}
	if got := phone("+44 20 7946 0958", ""); !slices.Equal(got, []string{c2}) {
		t.Errorf("UK number found %v", got)
	}
	if got := phone("123", ""); !slices.Equal(got, []string{c2}) {
		t.Errorf(`"123" found %v, want the contact with "12 3"`, got)
	}
	if got := phone("030 901820", "DE"); !slices.Equal(got, []string{a1}) {
		t.Errorf("German number found %v", got)
	}
	if got := phone("+49 30 901820", ""); !slices.Equal(got, []string{a1}) {
		t.Errorf("German number found %v", got)
	}
	for _, typed := range []string{" JANE@example.com", "jane+crm@", "Jane"} {
		hits, err := s.FindEmail(typed, 0)
		if err != nil || !slices.Equal(hitIDs(hits), []string{c1}) {
			t.Errorf("e-mail %q found %v %v", typed, hitIDs(hits), err)
		}
	}
	// An update replaces the old entries; a delete drops them.
	err = s.Update(func(w *Writer) error {
		if _, err := w.PutRecord("Lead", rec("Lead", l1, `,"Phone":"+1 212 555 0199"`)); err != nil {
			return err
		}
		_, err := w.DeleteRecord("Contact", c1)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := phone("4155550100", "US"); len(got) != 0 {
		t.Errorf("stale entries found %v", got)
	}
	if hits, _ := s.FindEmail("jane", 0); len(hits) != 0 {
		t.Errorf("deleted contact's e-mail found %v", hits)
	}
	var digits []string
	if err := s.Phones("Lead", func(_, d string) bool { digits = append(digits, d); return true }); err != nil || !slices.Equal(digits, []string{"12125550199"}) {
		t.Errorf("Phones(Lead) = %v %v", digits, err)
	}
}
