"""Checks of the catalogue_sample scenario: the published catalogue and the service levels."""
import pytest

from suites.catalogue import judges


@pytest.mark.check("catalogue.published")
def test_published(catalogue_sample):
    judges.published(catalogue_sample)


@pytest.mark.check("catalogue.national_codes")
def test_national_codes(catalogue_sample, param):
    judges.national_codes(catalogue_sample, param("codes.procedure_pattern"), param("codes.agency_pattern"))


@pytest.mark.check("catalogue.matches_national")
def test_matches_national(catalogue_sample):
    judges.matches_national(catalogue_sample)


@pytest.mark.check("catalogue.guidance")
def test_guidance(catalogue_sample):
    judges.guidance(catalogue_sample)


@pytest.mark.check("levels.level1_info")
def test_level1_info(catalogue_sample):
    judges.level1_info(catalogue_sample)


@pytest.mark.check("levels.form_download")
def test_form_download(catalogue_sample):
    judges.form_download(catalogue_sample)


@pytest.mark.check("levels.declared_vs_delivered")
def test_declared_vs_delivered(catalogue_sample):
    judges.declared_vs_delivered(catalogue_sample)
