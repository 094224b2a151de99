"""Meetings: negotiations, samverkan, information, skyddskommitté and APT; participants and agendas."""
