"""The demo's linkage project: the four demo organisations counting together.

Real agencies encode on their own machines with a secret they keep from the hub. For the
synthetic demo only, the encodings are made here with a fixed demo secret so that the app
shows a linked estimate straight after `make run`.
"""

from __future__ import annotations

import json

from tipdata.accounts.models import Organisation
from tipdata.engines.linkage.pprl import encode_persons
from tipdata.linkage.models import LinkageParticipant, LinkageProject
from tipdata.linkage.projects import encodings_upload, project_create, project_join, project_match
from tipdata.linkage.selectors import linkage_records

DEMO_SECRET = b"synthetic-demo-only-shared-secret-not-for-real-data"


def demo_linkage_project(orgs: list[Organisation]) -> LinkageProject:
    project = project_create(organisation=orgs[0], actor=None, name="Demo: how many victims across the four agencies?",
                             invite=orgs[1:])
    for org in orgs:
        participant = LinkageParticipant.objects.get(project=project, organisation=org)
        if not participant.joined:
            project_join(participant=participant, actor=None)
        document = encode_persons(linkage_records(org, actor=None, purpose="demo linkage"), DEMO_SECRET,
                                  list_name=org.slug).document
        encodings_upload(participant=participant, actor=None, content=json.dumps(document).encode(),
                         filename=f"{org.slug}.enc")
    return project_match(project=project, actor=None)
