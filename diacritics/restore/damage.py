"""How a text was damaged, estimated from the text itself: lost marks, English-model OCR
garble, impossible marks (`TextProfile`), and which words cannot be Vietnamese as written."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from sohoa.diacritics.restore.key_lm import KeyNgrams
from sohoa.diacritics.restore.settings import RestorerSettings
from sohoa.diacritics.restore.tokens import LETTER_SIGNS, UNKNOWN_ID, Token, ocr_letters
from sohoa.diacritics.restore.vocabulary import Vocabulary
from sohoa.diacritics.syllables import TONE_MARKS, VOWELS, has_marks, is_syllable, is_valid_key, strip_marks

VOWEL_GROUPS = re.compile("[aeiouy]+")
MARK_SIGNS = frozenset("034678@") | LETTER_SIGNS
"""What English-model OCR writes for a marked vowel besides a marked letter ('t6' tổ, 'c4' cá)."""


@dataclass(frozen=True)
class TextProfile:
    """How a text was damaged, estimated from the text itself.

    strip_rate: probability that a mark was lost (≈1 for fully de-accented text, ≈0 for clean).
    """

    strip_rate: float
    garble: float = 0.0
    """0..1: how much the text looks like English-model OCR (letters mixed with digits, bad spelling)."""
    mark_noise: float = 0.0
    """share of marked words whose marks are impossible ('quôc'): marks are unreliable."""
    vietnamese_letters: bool = False
    """The text writes syllables with letters outside Latin-1 ('ư', 'ộ', 'đ'), which no
    English-model OCR writes: it is not English-model OCR, whatever its unknown words (names,
    foreign words: 'Robin van Persie', 'Pep'), and none of them is garble to read again."""
    odd_marks: int = 0
    """words whose marks no Vietnamese spelling allows ('quyét', 'trién', 'nhiém'): English-model
    OCR writes Latin-1's marked letters for Vietnamese ones, so a good share of its words show
    such marks; correct text shows none, whatever words it has, and de-accented text no mark."""
    odd_mark_share: float = 0.0
    """`odd_marks` as a share of the words."""


def _letters_outside_latin1() -> frozenset[str]:
    letters = {unicodedata.normalize("NFC", vowel + mark) for vowel in VOWELS for mark in ("", *TONE_MARKS)} | {"đ", "Đ"}
    return frozenset(letter for letter in letters if ord(letter) > 0xFF)


VIETNAMESE_ONLY = _letters_outside_latin1()
"""Letters of Vietnamese outside Latin-1 ('ă', 'ơ', 'ư', 'đ', 'ạ', 'ộ'…). Tesseract's English model
writes none of them: on the benchmark's English-model pages and 8 more of held-out text (13,383
words), not one word has one."""
VIETNAMESE_LETTER_WORDS = 1
"""Syllables written with such letters that prove a text is no English-model OCR, once they are
at least `VIETNAMESE_LETTER_SHARE` of its words: one in a short line ('Chạy lệnh: python
xu_ly_du_lieu.py', 'Class NguoiDung có các thuộc tính hoTen'), whose English words, names and
identifiers are then no garble to read again. The English model writes no such letter in 13,383
words; the share keeps a page of garble with a word or two typed over it garble."""
VIETNAMESE_LETTER_SHARE = 0.1
GARBLE_PROOF_WORDS = 3
"""... and in a text that also shows the English model's own spellings ('m6t', 'dugc', 'quyét'),
whose Vietnamese letters a stage before may have put in."""
LATIN1_MARKS_WORDS = 8
"""Words a text must have for its marks, shown without one Vietnamese-only letter, to prove it
English-model OCR. 59 % of the words of correct text have such a letter (train-split legal and
news lines), so eight words go without one in 0.41⁸ < 0.1 % of correct lines; measured, 0.16 % of
correct eight-word lines that show a mark do (bilingual lines, lists of Latin names), and their
marks are kept, so the strip rate rules them out. De-accented text shows no mark at all."""


class DamageProfiler:
    """Tells garbled words ('t6', 'chirc', 'véi') from words, and profiles a text's damage."""

    def __init__(self, vocabulary: Vocabulary, key_lm: KeyNgrams, settings: RestorerSettings,
                 english_spellings: dict[str, dict[str, int]] | None = None):
        """english_spellings: the channel's `forms` (toned syllable → {what English-model OCR
        wrote for it: times}), which tell the spellings that OCR writes more often than clean
        text does ('sé' for 'sẽ', 'sở' and 'số'; 'mét' for 'một')."""
        self.vocabulary, self.key_lm, self.settings = vocabulary, key_lm, settings
        self._suspicion: dict[str, bool] = {}
        self._english_rate: dict[str, float] = {}
        for observed in (english_spellings or {}).values():
            for spelling, n in observed.items():
                self._english_rate[spelling] = self._english_rate.get(spelling, 0) + n
        total = sum(self._english_rate.values())
        self._english_rate = {spelling: n / total for spelling, n in self._english_rate.items()}
        self._english_spelling: dict[str, bool] = {}

    def profile(self, tokens: list[Token]) -> TextProfile:
        """Estimate, from the text itself, how it was damaged (see `TextProfile`)."""
        settings, vocabulary = self.settings, self.vocabulary
        # lines in another language (`foreign_phrases`: an English or French passage quoted in a
        # Vietnamese text) say nothing of how the Vietnamese around them was written or damaged;
        # a text of such lines alone (a line read on its own) is judged by them all the same
        foreign = self.foreign_phrases(tokens)
        if all(any(k in foreign for k in line) for line in word_lines(tokens)):
            foreign = set()
        counts = Counter(t.text for i, t in enumerate(tokens) if t.text and i not in foreign)
        n_words = n_ambiguous = n_marked = n_suspicious = n_bad_marks = n_vietnamese = n_odd_marks = 0
        n_odd_shapes = n_english_spellings = n_marked_words = n_outside_latin1 = n_known_garble = 0
        n_unmarked_capitals = n_marked_small = 0
        for word, n in counts.items():
            if not any(ch.isalpha() for ch in word):
                continue
            n_words += n
            marked = word.isalpha() and has_marks(word)
            n_marked_words += n if marked else 0
            n_outside_latin1 += n if not VIETNAMESE_ONLY.isdisjoint(word) else 0
            impossible = marked and not is_syllable(word)  # marks no Vietnamese spelling allows
            if impossible:
                n_odd_marks += n
                if is_valid_key(strip_marks(word.lower())):
                    n_odd_shapes += n
            elif marked and self.english_spelling(word):
                n_english_spellings += n
            if word.isalpha() and not VIETNAMESE_ONLY.isdisjoint(word) and is_syllable(word):
                n_vietnamese += n
            if self.suspicious(word):
                n_suspicious += n
                if not impossible and self.english_spelling(word):
                    n_known_garble += n
            if word.isalpha() and vocabulary.n_cands[vocabulary.ids(word)[0]] >= 2:
                n_ambiguous += n
                if marked:
                    n_marked += n
                    # a letter the English model never writes ('ư', 'ộ', 'đ'): a mark of the text's
                    # own, not one of that OCR's spellings ('nghé', 'sé')
                    n_marked_small += n if word[:1].islower() and not VIETNAMESE_ONLY.isdisjoint(word) else 0
                    if impossible:
                        n_bad_marks += n
                elif word[:1].isupper():
                    n_unmarked_capitals += n
        # A text that shows right marks is clean until enough unmarked words say otherwise: in a
        # short line ('Lê Trung Chinh') two unmarked words prove no lost marks
        # Letters the English model never writes prove a text is none of its OCR: one syllable
        # with them in a short line, three where the text also shows the model's own spellings
        # ('m6t', 'dugc', 'quyét'), which a stage before may have read in part ('céng' read as
        # the legacy encoding's 'cộng')
        signed = n_odd_shapes + n_known_garble > 0
        vietnamese_letters = n_vietnamese >= max(GARBLE_PROOF_WORDS if signed else VIETNAMESE_LETTER_WORDS,
                                                 VIETNAMESE_LETTER_SHARE * n_words)
        # A Vietnamese shape under marks no Vietnamese spelling allows ('viéc', 'quyét') is the
        # English model's own signature, which neither correct nor de-accented text shows: it
        # counts twice, where a rare unmarked word may as well be a name; so does a garbled
        # word the channel saw the English model write for a syllable ('dugc', 'Chtic', 'ngudi';
        # a name the corpus never had is none of them); so does a spelling
        # that OCR writes more often than clean text does ('sé', 'mét'), but only beside other
        # damage: it is a word of correct text too ('dài hai mét'). A line read alone has few
        # words to tell by ('... lam viéc, quan ly' is garble all the same).
        evidence = n_suspicious + n_odd_shapes + n_known_garble
        if evidence:
            evidence += n_english_spellings
        garble = 0.0 if vietnamese_letters else \
            min(1.0, max(0.0, (evidence / (n_words + settings.strip_prior) - 0.08) / 0.12))
        # A line read alone has too few words for the share of garbled ones to tell, but marks
        # shown on a long enough text without one Vietnamese-only letter, most marks lost, are
        # what English-model OCR writes ('"dang kinh ngac". Trong khi Chazelle, mét cuu nghé si
        # trong dong jazz'): correct text keeps its 'ư', 'ộ', 'đ', de-accented text shows no mark
        if (n_marked_words and not n_outside_latin1 and n_words >= LATIN1_MARKS_WORDS
                and self._strip_rate(n_marked, n_ambiguous, settings.strip_prior) >= 0.5):
            garble = 1.0
        prior = settings.strip_prior_marked if n_marked and garble <= settings.lone_garble else settings.strip_prior
        # Where the running words in small letters show Vietnamese marks (a letter outside Latin-1:
        # English-model OCR writes 'nghé', 'sé' for them), a capital written without a mark is as
        # likely a name as its bearer writes it ('NGUYEN VAN AN' on a passport, 'Kinh Do', 'Ho
        # Chi Minh City', an author cited as 'Nguyen, T. H.') as a word that lost its marks: the
        # running words say whether the text lost them. A text whose words in small letters show
        # no such mark ('Ủy ban nhan dan tinh Quang Nam') is judged by all its words.
        if n_marked_small and garble <= settings.lone_garble:
            n_ambiguous -= n_unmarked_capitals
        strip_rate = self._strip_rate(n_marked, n_ambiguous, prior)
        mark_noise = n_bad_marks / (n_marked + 20.0)
        return TextProfile(strip_rate=float(strip_rate), garble=float(garble), mark_noise=float(mark_noise),
                           vietnamese_letters=vietnamese_letters, odd_marks=n_odd_marks,
                           odd_mark_share=n_odd_marks / max(1, n_words))

    def _strip_rate(self, n_marked: int, n_ambiguous: int, prior: float) -> float:
        """The probability that a mark was lost, from the ambiguous words' share of marked ones
        against ordinary text's (`marked_share`), with `prior` pseudo-words of ordinary text."""
        marked_share = self.settings.marked_share
        share = (n_marked + prior * marked_share) / (n_ambiguous + prior)
        return min(1.0, max(1e-3, 1.0 - share / marked_share))

    def suspicious(self, word: str) -> bool:
        """A token that cannot be Vietnamese as written: 't6', 'chirc', 'véi' (not 'COVID', 'b', 'Facebook')."""
        flag = self._suspicion.get(word)
        if flag is None:
            flag = self._suspicion[word] = self._looks_garbled(word)
        return flag

    def english_spelling(self, word: str) -> bool:
        """A marked syllable of Latin-1 letters that English-model OCR writes more often than
        clean text does ('sé': the OCR's spelling of 'sẽ', 'sở', 'số'; clean text hardly writes
        it): its share of the channel pages' tokens against its form's share of the corpus."""
        found = self._english_spelling.get(word)
        if found is None:
            lower = word.lower()
            found = False
            if lower in self._english_rate and all(ord(ch) <= 0xFF for ch in word):
                tid = self.vocabulary.ids(word)[1]
                clean_rate = self.vocabulary.target_share(tid) if tid >= 0 else 0.0
                found = self._english_rate[lower] > clean_rate
            self._english_spelling[word] = found
        return found

    def written_by_ocr(self, word: str) -> bool:
        """Whether the channel's pages saw English-model OCR write this spelling for some
        syllable ('dugc' được, 'ngudi' người, 'the' thể)."""
        return word.lower() in self._english_rate

    def foreign_phrases(self, tokens: list[Token]) -> set[int]:
        """Indices of the words of lines in another language, whatever the text's damage: lines
        most of whose words of three letters or more in small letters (at least
        `FOREIGN_PHRASE_WORDS`; names say nothing of a line's language) are spelled
        as no Vietnamese syllable is (`foreign_spelling`) and as the OCR was never seen to garble
        one ('We met at the cafe near the bank on a long way home'). Such lines are 0.5 % of
        held-out de-accented news (car and song names), none of its legal text, 0.3 % of
        English-model garble (whose misspellings are mostly the channel's own: 'dugc', 'ngudi'),
        99 % of English prose. Their words are another language's, not syllables that lost their
        marks; but for a syllable under marks no Vietnamese spelling allows ('nhién'), OCR's."""
        found: set[int] = set()
        for line in word_lines(tokens):
            # names ('Gmail', 'Chrome', 'Windows' in a Vietnamese headline) say nothing of a
            # line's language: its running words in small letters do
            long = {k for k in line if len(tokens[k].text) >= 3 and tokens[k].text[0].islower()}
            foreign = {k for k in long if foreign_spelling(tokens[k].text) and not self.written_by_ocr(tokens[k].text)}
            if len(long) >= FOREIGN_PHRASE_WORDS and 2 * len(foreign) > len(long):
                # its numbers too: '18 million' in English is no English-model '1a' (là)
                found.update(k for k in range(line[0], line[-1] + 1)
                             if tokens[k].text and not _garbled_syllable(tokens[k].text))
        return found

    def is_common(self, key_id: int) -> bool:
        """Whether the corpus wrote a key often enough for it to be a word, not garble or a name."""
        return key_id != UNKNOWN_ID and self.key_lm.count1(key_id) >= self.settings.foreign_word_count

    def _looks_garbled(self, word: str) -> bool:
        letters = sum(ch.isalpha() or ch in LETTER_SIGNS for ch in word)
        if letters == 0 or len(word) < 2 or (word.isupper() and letters > 1):
            return False
        if not word.isalpha():
            # letters mixed with the digits/symbols English-model OCR puts for vowels: 't6', '1anh'
            mapped = ocr_letters(strip_marks(word.lower()))
            return mapped.isalpha() and is_valid_key(mapped)
        kid, tid = self.vocabulary.ids(word)
        if has_marks(word):
            if is_syllable(word):
                return tid < 0  # a form no text ever had: 'quéc'
            # impossible marks on a Vietnamese shape ('véi', 'quyét', 'quôc') are garble; a
            # loanword the corpus knows ('êkip', 'ôliu') is not
            return tid < 0 or is_valid_key(strip_marks(word.lower()))
        if len(VOWEL_GROUPS.findall(word.lower())) >= 3:
            # three vowel groups are no one syllable, garbled or not: a foreign word or a name
            # ('Diploma', 'Suzuki'), which says nothing of lost marks. On the train split's pages
            # read by the English model, 267 of the 268 such tokens were foreign words or names,
            # one a garbled syllable ('Negudi', Người)
            return False
        # an unmarked word the corpus rarely or never wrote: garble, or a rare name
        return not self.is_common(kid)


FOREIGN_WINDOW = 4
"""Words on each side of a word that `foreign_neighbourhood` looks at."""
FOREIGN_NEIGHBOURS = 2
"""Foreign spellings among them that make the word's neighbourhood a foreign phrase."""
FOREIGN_PHRASE_WORDS = 4
"""Words of three letters or more in small letters a line needs for
`DamageProfiler.foreign_phrases` to tell its language by: fewer say too little."""


def foreign_spelling(word: str) -> bool:
    """A word no Vietnamese spelling allows, in letters English-model OCR and foreign languages
    write ('District', 'you', 'scheduled'; not 'UBND', 'quốc', 'nguoi', 'to')."""
    if len(word) < 3 or not word.isalpha() or sum(ch.isupper() for ch in word) > 1:
        return False  # short words, codes and capitals' abbreviations say nothing of a language
    return VIETNAMESE_ONLY.isdisjoint(word) and not is_valid_key(strip_marks(word.lower()))


def foreign_neighbourhood(tokens: list[Token]) -> set[int]:
    """Indices of the words with at least `FOREIGN_NEIGHBOURS` foreign spellings among the
    `FOREIGN_WINDOW` words on each side of them in their line: words of a foreign phrase
    ('due' in 'inform you that, due to the scheduled'; 'Giay' in 'Cau Giay District'), which
    a text that keeps its marks writes as they are."""
    found: set[int] = set()
    for line in word_lines(tokens):
        foreign = [foreign_spelling(tokens[k].text) for k in line]
        for at, k in enumerate(line):
            near = foreign[max(0, at - FOREIGN_WINDOW):at] + foreign[at + 1:at + 1 + FOREIGN_WINDOW]
            if sum(near) >= FOREIGN_NEIGHBOURS:
                found.add(k)
    return found


def word_lines(tokens: list[Token]) -> list[list[int]]:
    """The indices of the words (tokens of letters alone) of each line of `tokens` (lines end at
    the tokenizer's empty boundary tokens)."""
    lines: list[list[int]] = [[]]
    for i, token in enumerate(tokens):
        if token.text == "":
            lines.append([])
        elif token.text.isalpha():
            lines[-1].append(i)
    return [line for line in lines if line]


def _garbled_syllable(word: str) -> bool:
    """A Vietnamese syllable's letters under marks no Vietnamese spelling allows ('nhién', 'véi')."""
    return has_marks(word) and not is_syllable(word) and is_valid_key(strip_marks(word.lower()))


def shows_mark(token: str) -> bool:
    """Whether a garbled token shows some mark: a marked letter ('ché') or a digit or sign OCR
    writes for a marked vowel ('t6', 'c4'); '1' for 'l' is no mark."""
    return any(ch in MARK_SIGNS or (ch.isalpha() and not ch.isascii()) for ch in token) \
        and any(ch.isalpha() for ch in token)
