"""A group's annual items: what its year plan puts in the meeting of a given month."""

from piccolo.columns import ForeignKey, Integer, OnDelete, Varchar
from piccolo.table import Table

from samverkan.orgs.tables import CollaborationGroup


class AnnualItem(Table, tablename="annual_item"):
    group = ForeignKey(CollaborationGroup, on_delete=OnDelete.cascade, index=True)
    title = Varchar(length=300)
    month = Integer()  # 1–12: the first planned meeting in or after this month treats it
    kind = Varchar(length=20, default="information")
