"""How search reads documents and queries (pure rules, no database)."""

from atlas_crm.domain.search_text import document, excerpt, phone_words, query_problem, query_terms


def test_documents_hold_folded_distinct_words_between_spaces():
    assert document("Hélène  OUAZZANI", "helene@exemple.ma") == " helene ouazzani exemple ma "
    assert document(None, "") == " "
    assert document("Samir", phones=["+212661234567"]) == " samir 212661234567 0661234567 661234567 "


def test_phones_are_indexed_in_every_written_form():
    assert phone_words("+212661234567") == ["212661234567", "0661234567", "661234567"]
    assert phone_words("+33612345678") == ["33612345678", "0612345678", "612345678"]
    assert phone_words(None) == []


def test_queries_become_terms_of_word_prefixes():
    assert query_terms("Samir  ALAOUI samir") == [("samir",), ("alaoui",)]
    assert query_terms("l'appartement à Fès") == [("appartement",), ("fes",)]  # 1-letter words dropped
    assert query_terms("06 61 23 45 67") == [("212661234567",)]
    assert query_terms("0661 23") == [("066123", "66123")]
    assert len(query_terms(" ".join(f"mot{i}" for i in range(20)))) == 8


def test_unsearchable_queries_are_explained():
    assert query_problem("a") and query_problem("?!") and query_problem(None)
    assert query_problem("ab") is None and query_problem("06 61") is None


def test_excerpts_are_single_line_and_bounded():
    assert excerpt("Bonjour,\n\n  à demain") == "Bonjour, à demain"
    assert excerpt("x" * 300, 10) == "x" * 9 + "…"
    assert excerpt(None) is None
