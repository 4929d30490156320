package book

import (
	"context"
	"testing"
	"time"

	"github.com/lazyforce/lazyforce/store/book/booktest"
	"github.com/lazyforce/lazyforce/store/syncer"
)

// TestMyOpenTasksOverTheDemoOrg: my open tasks are the identity user's
// tasks that are not closed, as the cache's own SOQL counts them, by due
// date with the undated last, each with the name of what it is about.
func TestMyOpenTasksOverTheDemoOrg(t *testing.T) {
	st, _ := booktest.Demo(t, booktest.Options{Now: func() time.Time { return demoNow }, Scope: syncer.DefaultScope()})
	b := New(st, Options{})
	ctx := context.Background()
	id, _, err := st.Identity()
	if err != nil {
		t.Fatal(err)
	}
	tasks, err := b.MyOpenTasks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := soqlCount(t, st, "SELECT Id FROM Task WHERE OwnerId = '"+id.UserID+"' AND IsClosed = false AND Status != 'Completed'")
	if len(tasks) == 0 || len(tasks) != want {
		t.Fatalf("%d open tasks of mine, SOQL counts %d", len(tasks), want)
	}
	for i, task := range tasks {
		if task.Closed || task.Subject == "" {
			t.Fatalf("task %d: %+v", i, task)
		}
		if task.WhatName == "" && task.WhoName == "" {
			t.Fatalf("task without a related record's name: %+v", task)
		}
		if task.WhatID != "" && task.WhatObject == "" || task.WhoID != "" && task.WhoObject == "" {
			t.Fatalf("task with a related record of no object: %+v", task)
		}
		if i > 0 {
			prev := tasks[i-1]
			if !prev.Due.IsZero() && !task.Due.IsZero() && task.Due.Before(prev.Due) || prev.Due.IsZero() && !task.Due.IsZero() {
				t.Fatalf("out of order: %v after %v", task.Due, prev.Due)
			}
		}
	}
	// One of them, read alone, is the same.
	one, ok, err := b.Task(ctx, tasks[0].ID)
	if err != nil || !ok || one != tasks[0] {
		t.Fatalf("Task(%s) = %+v %v %v, want %+v", tasks[0].ID, one, ok, err, tasks[0])
	}
}
