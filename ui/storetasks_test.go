package ui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/lazyforce/lazyforce/sfdc"
)

// TestXCompletesATaskOnTheOrg is the real path: the demo org synced into a
// cache, the app over it, x on the first of my tasks: the write goes
// through the outbox and the push, and the org's Task is Completed.
func TestXCompletesATaskOnTheOrg(t *testing.T) {
	st, c := liveDemo(t)
	client := func(context.Context) (*sfdc.Client, error) { return c, nil }
	m := loaded(t, Deps{Data: NewStoreData(st, StoreDataOptions{OrgName: "demo"}), Tasks: NewStoreTasks(st, client), Now: func() time.Time { return testNow }}, 140, 40)
	press(m, "5")
	task, ok := m.tasksPane().Selected()
	if !ok {
		t.Fatalf("no task of mine in the demo org:\n%s", screen(m))
	}
	if task.Closed || (task.WhatName == "" && task.WhoName == "") {
		t.Fatalf("the first task: %+v", task)
	}
	finish(m, press(m, "x"))
	if !strings.Contains(m.flash.text, "task completed · sent") {
		t.Fatalf("flash %q", m.flash.text)
	}
	rec, err := c.GetRecord(context.Background(), "Task", sfdc.MustID(task.ID), "Status", "IsClosed")
	if err != nil {
		t.Fatal(err)
	}
	if got := rec.String("Status"); got != "Completed" {
		t.Fatalf("the org's Task %s is %q", task.ID, got)
	}
	// Sent: it is no longer one of my open tasks.
	for _, l := range strings.Split(screen(m), "\n") {
		if strings.Contains(l, task.Subject) && strings.Contains(l, "Completed") {
			t.Fatalf("the completed task is still listed: %q", l)
		}
	}
}

// TestDReschedulesOfflineAndMarksThePendingWrite: without the org, d
// queues the new date, and the task shows it with its pending mark.
func TestDReschedulesOfflineAndMarksThePendingWrite(t *testing.T) {
	st, _ := syncedDemo(t)
	offline := func(context.Context) (*sfdc.Client, error) {
		return nil, errors.New("dial tcp: the org cannot be reached")
	}
	m := loaded(t, Deps{Data: NewStoreData(st, StoreDataOptions{OrgName: "demo"}), Tasks: NewStoreTasks(st, offline), Now: func() time.Time { return testNow }}, 140, 40)
	press(m, "5")
	task, ok := m.tasksPane().Selected()
	if !ok {
		t.Fatal("no task of mine")
	}
	press(m, "d")
	typeInto(m, "2026-07-01")
	finish(m, press(m, "enter"))
	if !strings.Contains(m.flash.text, "rescheduled to Wed 1 Jul · queued") {
		t.Fatalf("flash %q", m.flash.text)
	}
	var line string
	for _, l := range strings.Split(screen(m), "\n") {
		if strings.Contains(l, task.Subject) && strings.Contains(l, "2026-07-01") {
			line = l
		}
	}
	if !strings.Contains(line, "↑") {
		t.Fatalf("no pending mark on the rescheduled task:\n%s", screen(m))
	}
}
