"""The papers the app rests on, and how a page cites them.

One registry, :data:`PAPERS`, holds every source once (authors, year, title, venue and
a public link); ``docs/science.md`` cites the same works in full. What depends on the
language (the "Source:" lead-in, "et al.", the one-line note on what a paper shows)
lives in ``locales/<lang>/refs.toml``.

A section that rests on a paper names it in one line::

    st.caption(cite(t, "he2015"))            # Source: [He et al., 2015](https://arxiv.org/abs/1502.01852)

and a page lists all of its sources at its foot::

    references_expander(t, ["glorot2010", "he2015"])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import streamlit as st

__all__ = ["PAPERS", "Paper", "cite", "full", "paper", "references_expander", "short"]

#: A catalog lookup, ``t(key, **values) -> str`` (a :class:`ui.i18n.Translator`).
Translate = Callable[..., str]


@dataclass(frozen=True)
class Paper:
    """One source.

    Attributes
    ----------
    key : str
        Registry key, ``<first author's family name><year>`` in lower case.
    authors : tuple of str
        Every author as ``"Family, Given"``, in the paper's order.
    year : int
    title : str
        As published.
    venue : str
        Conference, journal or publisher, with the year where it differs from ``year``.
    url : str
        A public page of the paper (arXiv abstract, proceedings page or publisher).
    """

    key: str
    authors: tuple[str, ...]
    year: int
    title: str
    venue: str
    url: str

    @property
    def families(self) -> tuple[str, ...]:
        """The authors' family names, e.g. ``("He", "Zhang", "Ren", "Sun")``."""
        return tuple(a.split(",", 1)[0].strip() for a in self.authors)

    @property
    def names(self) -> tuple[str, ...]:
        """The authors as written in running text, e.g. ``("Kaiming He", ...)``."""
        out = []
        for author in self.authors:
            family, _, given = author.partition(",")
            out.append(f"{given.strip()} {family.strip()}".strip())
        return tuple(out)


PAPERS: dict[str, Paper] = {p.key: p for p in (
    Paper("lecun1998", ("LeCun, Yann", "Bottou, Léon", "Orr, Genevieve B.", "Müller, Klaus-Robert"), 1998,
          "Efficient BackProp", "Neural Networks: Tricks of the Trade, Springer LNCS 1524",
          "https://doi.org/10.1007/3-540-49430-8_2"),
    Paper("glorot2010", ("Glorot, Xavier", "Bengio, Yoshua"), 2010,
          "Understanding the difficulty of training deep feedforward neural networks", "AISTATS 2010",
          "https://proceedings.mlr.press/v9/glorot10a.html"),
    Paper("nair2010", ("Nair, Vinod", "Hinton, Geoffrey E."), 2010,
          "Rectified Linear Units Improve Restricted Boltzmann Machines", "ICML 2010",
          "https://icml.cc/Conferences/2010/papers/432.pdf"),
    Paper("glorot2011", ("Glorot, Xavier", "Bordes, Antoine", "Bengio, Yoshua"), 2011,
          "Deep Sparse Rectifier Neural Networks", "AISTATS 2011",
          "https://proceedings.mlr.press/v15/glorot11a.html"),
    Paper("maas2013", ("Maas, Andrew L.", "Hannun, Awni Y.", "Ng, Andrew Y."), 2013,
          "Rectifier Nonlinearities Improve Neural Network Acoustic Models",
          "ICML 2013 Workshop on Deep Learning for Audio, Speech and Language Processing",
          "https://ai.stanford.edu/~amaas/papers/relu_hybrid_icml2013_final.pdf"),
    Paper("pascanu2013", ("Pascanu, Razvan", "Mikolov, Tomas", "Bengio, Yoshua"), 2013,
          "On the difficulty of training recurrent neural networks", "ICML 2013",
          "https://arxiv.org/abs/1211.5063"),
    Paper("he2015", ("He, Kaiming", "Zhang, Xiangyu", "Ren, Shaoqing", "Sun, Jian"), 2015,
          "Delving Deep into Rectifiers: Surpassing Human-Level Performance on ImageNet Classification",
          "ICCV 2015", "https://arxiv.org/abs/1502.01852"),
    Paper("ioffe2015", ("Ioffe, Sergey", "Szegedy, Christian"), 2015,
          "Batch Normalization: Accelerating Deep Network Training by Reducing Internal Covariate Shift",
          "ICML 2015", "https://arxiv.org/abs/1502.03167"),
    Paper("kingma2015", ("Kingma, Diederik P.", "Ba, Jimmy"), 2015,
          "Adam: A Method for Stochastic Optimization", "ICLR 2015", "https://arxiv.org/abs/1412.6980"),
    Paper("nielsen2015", ("Nielsen, Michael A.",), 2015,
          "Neural Networks and Deep Learning, chapter 5: Why are deep neural networks hard to train?",
          "Determination Press (online book)", "http://neuralnetworksanddeeplearning.com/chap5.html"),
    Paper("he2016", ("He, Kaiming", "Zhang, Xiangyu", "Ren, Shaoqing", "Sun, Jian"), 2016,
          "Deep Residual Learning for Image Recognition", "CVPR 2016", "https://arxiv.org/abs/1512.03385"),
    Paper("clevert2016", ("Clevert, Djork-Arné", "Unterthiner, Thomas", "Hochreiter, Sepp"), 2016,
          "Fast and Accurate Deep Network Learning by Exponential Linear Units (ELUs)", "ICLR 2016",
          "https://arxiv.org/abs/1511.07289"),
    Paper("hendrycks2016", ("Hendrycks, Dan", "Gimpel, Kevin"), 2016,
          "Gaussian Error Linear Units (GELUs)", "arXiv preprint", "https://arxiv.org/abs/1606.08415"),
    Paper("ba2016", ("Ba, Jimmy Lei", "Kiros, Jamie Ryan", "Hinton, Geoffrey E."), 2016,
          "Layer Normalization", "arXiv preprint", "https://arxiv.org/abs/1607.06450"),
    Paper("telgarsky2016", ("Telgarsky, Matus",), 2016,
          "Benefits of depth in neural networks", "COLT 2016", "https://arxiv.org/abs/1602.04485"),
    Paper("poole2016", ("Poole, Ben", "Lahiri, Subhaneil", "Raghu, Maithra", "Sohl-Dickstein, Jascha",
                        "Ganguli, Surya"), 2016,
          "Exponential expressivity in deep neural networks through transient chaos", "NeurIPS 2016",
          "https://arxiv.org/abs/1606.05340"),
    Paper("schoenholz2017", ("Schoenholz, Samuel S.", "Gilmer, Justin", "Ganguli, Surya",
                             "Sohl-Dickstein, Jascha"), 2017,
          "Deep Information Propagation", "ICLR 2017", "https://arxiv.org/abs/1611.01232"),
    Paper("yarotsky2017", ("Yarotsky, Dmitry",), 2017,
          "Error bounds for approximations with deep ReLU networks", "Neural Networks 94",
          "https://arxiv.org/abs/1610.01145"),
    Paper("elfwing2018", ("Elfwing, Stefan", "Uchibe, Eiji", "Doya, Kenji"), 2018,
          "Sigmoid-Weighted Linear Units for Neural Network Function Approximation in Reinforcement Learning",
          "Neural Networks 107", "https://arxiv.org/abs/1702.03118"),
    Paper("hanin2019", ("Hanin, Boris", "Rolnick, David"), 2019,
          "Complexity of Linear Regions in Deep Networks", "ICML 2019", "https://arxiv.org/abs/1901.09021"),
    Paper("lu2020", ("Lu, Lu", "Shin, Yeonjong", "Su, Yanhui", "Karniadakis, George Em"), 2020,
          "Dying ReLU and Initialization: Theory and Numerical Examples",
          "Communications in Computational Physics 28(5)", "https://arxiv.org/abs/1903.06733"),
)}


def paper(key: str) -> Paper:
    """The registry entry for ``key``; a ``KeyError`` lists the valid keys."""
    try:
        return PAPERS[key]
    except KeyError:
        raise KeyError(f"unknown paper {key!r}; valid keys: {', '.join(PAPERS)}") from None


def _link(text: str, url: str) -> str:
    # Square brackets in the text would end the link text early.
    return "[" + text.replace("[", r"\[").replace("]", r"\]") + f"]({url})"


def short(t: Translate, key: str) -> str:
    """The short citation in running text: ``"He et al., 2015"`` (``"He 외, 2015"`` in Korean)."""
    p = paper(key)
    fam = p.families
    if len(fam) == 1:
        return t("refs.short_one", a=fam[0], year=p.year)
    if len(fam) == 2:
        return t("refs.short_two", a=fam[0], b=fam[1], year=p.year)
    return t("refs.short_many", a=fam[0], year=p.year)


def cite(t: Translate, *keys: str) -> str:
    """One line naming a section's sources, each a markdown link to the paper's public page.

    ``cite(t, "he2015")`` gives ``"Source: [He et al., 2015](https://arxiv.org/abs/1502.01852)"``;
    several keys give ``"Sources: [...](...); [...](...)"``. Repeated keys are cited once.
    """
    if not keys:
        raise ValueError("cite needs at least one paper key")
    unique = list(dict.fromkeys(keys))
    links = t("refs.sep").join(_link(short(t, k), paper(k).url) for k in unique)
    lead = t("refs.lead_one" if len(unique) == 1 else "refs.lead_many")
    return f"{lead} {links}"


def full(t: Translate, key: str) -> str:
    """The full reference in markdown: authors (year). *Title* (linked). Venue. What it shows here."""
    p = paper(key)
    names = p.names
    if len(names) == 1:
        authors = names[0]
    else:
        authors = t("refs.authors_sep").join(names[:-1]) + t("refs.authors_last") + names[-1]
    title = _link(f"*{p.title}*", p.url)
    return t("refs.full", authors=authors, year=p.year, title=title, venue=p.venue,
             note=t(f"refs.note.{key}"))


def references_expander(t: Translate, keys: Sequence[str]) -> None:
    """Draw a collapsed *References* expander listing ``keys`` in full, in the given order.

    One markdown element holds the whole list. Nothing is drawn for an empty ``keys``.
    """
    unique = list(dict.fromkeys(keys))
    if not unique:
        return
    entries = [full(t, k) for k in unique]  # unknown keys fail before anything is drawn
    with st.expander(t("refs.expander")):
        st.markdown("\n".join(f"- {entry}" for entry in entries))
