from conftest import World


def test_clinician_lists_own_caseload_via_api(world: World, api_for) -> None:
    world.episode()
    response = api_for(world.clinician_a).get("/api/v1/participants")
    assert response.status_code == 200, response.content
    assert response.json()["count"] == 1
    assert api_for(world.clinician_b).get("/api/v1/participants").json()["count"] == 0
