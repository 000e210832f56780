"""MegiLance load test: freelancers browse, search, bid and message; clients read their contracts, message and
release escrow. Run through loadtest/run.py, which prepares the accounts, starts gunicorn on 127.0.0.1 and stops
everything after the time limit.

Request names carry their class, which run.py uses for the goals: "[read]" (p95 < 300 ms), "[write]" (no money),
"[money]" (p95 < 800 ms).
"""

import json
import os
import random

from locust import HttpUser, between, task

with open(os.environ["LOADTEST_ACCOUNTS"]) as handle:
    ACCOUNTS = json.load(handle)
WORDS = ACCOUNTS["search_terms"]
_next = {"freelancer": 0, "client": 0}


def _take(kind):
    pool = ACCOUNTS[kind]
    account = pool[_next[kind] % len(pool)]
    _next[kind] += 1
    return account


class MegiLanceUser(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    kind = ""

    def on_start(self):
        self.account = _take(self.kind)
        self.conversations = self.account["conversations"]
        if self.account.get("token"):
            self.client.headers["Authorization"] = f"Bearer {self.account['token']}"
            return
        response = self.client.post("/api/auth/login", json={"email": self.account["email"],
                                                             "password": self.account["password"]},
                                    name="POST /api/auth/login [write]")
        self.client.headers["Authorization"] = f"Bearer {response.json()['access_token']}"

    def read(self, path, name):
        return self.client.get(path, name=f"GET {name} [read]")

    @task(3)
    def browse_projects(self):
        page = random.randint(1, 50)
        response = self.read(f"/api/projects/?page={page}&page_size=20", "/api/projects/")
        if response.ok and response.json()["results"]:
            project = random.choice(response.json()["results"])
            self.read(f"/api/projects/{project['id']}/", "/api/projects/{id}/")

    @task(2)
    def search(self):
        term = random.choice(WORDS)
        self.read(f"/api/search/projects?q={term}", "/api/search/projects")

    @task(2)
    def messages(self):
        self.read("/api/messages/?page_size=20", "/api/messages/")
        self.read("/api/notifications/?page_size=20", "/api/notifications/")

    @task(1)
    def send_message(self):
        if self.conversations:
            self.client.post("/api/messages/", json={"conversation_id": random.choice(self.conversations),
                                                     "content": "Quick update: the next part is on its way."},
                             name="POST /api/messages/ [write]")


class Freelancer(MegiLanceUser):
    weight = 7
    kind = "freelancer"

    @task(1)
    def bid(self):
        response = self.read(f"/api/projects/?page={random.randint(1, 200)}&page_size=20", "/api/projects/")
        if not response.ok:
            return
        projects = response.json()["results"]
        if projects:
            project = random.choice(projects)
            with self.client.post("/api/proposals/", json={
                    "project_id": project["id"], "bid_amount": 750,
                    "cover_letter": "I have built several projects like this one and can start this week. "
                                    "Here is how I would plan the work and the milestones.",
                    "availability": "this week"}, name="POST /api/proposals/ [write]",
                    catch_response=True) as response:
                # A second bid on the same project, or on one that closed meanwhile, is refused with 400 and
                # its code (API.md): a right answer, not an error.
                refused = response.status_code == 400 and response.json().get("code") in (
                    "duplicate_proposal", "project_not_open")
                if response.status_code == 201 or refused:
                    response.success()


class Client(MegiLanceUser):
    weight = 3
    kind = "client"

    def on_start(self):
        super().on_start()
        self.escrows = list(self.account["escrows"])

    @task(2)
    def contracts(self):
        self.read("/api/contracts/?page_size=20", "/api/contracts/")

    @task(1)
    def release_escrow(self):
        if self.escrows:
            escrow = self.escrows.pop()
            self.client.post(f"/api/escrow/{escrow}/release", json={"reason": "Milestone accepted"},
                             name="POST /api/escrow/{id}/release [money]")
        self.read("/api/escrow/balance", "/api/escrow/balance")
