--
-- PostgreSQL database dump
--

\restrict sAPxJzJBwidgXfB7xNQXV706MPxk3Vlvv0jBk5zxjHA02xOWiHNIIFRSrsfAbdT

-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: aliases; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.aliases (
    alias character varying(253) NOT NULL,
    workload character varying(253) NOT NULL
);


--
-- Name: custom_domains; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.custom_domains (
    domain character varying(253) NOT NULL,
    workload character varying(253) NOT NULL,
    location character varying(63)
);


--
-- Name: fleet_version; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.fleet_version (
    id integer NOT NULL,
    version bigint NOT NULL
);


--
-- Name: gantry_schema; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.gantry_schema (
    version integer NOT NULL,
    name character varying(200) NOT NULL,
    applied_at timestamp without time zone NOT NULL
);


--
-- Name: replica_leases; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.replica_leases (
    workload character varying(253) NOT NULL,
    region character varying(63) NOT NULL,
    address character varying(300) NOT NULL,
    ttl_millis bigint NOT NULL,
    expires_at_millis bigint NOT NULL
);


--
-- Name: replicas; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.replicas (
    workload character varying(253) NOT NULL,
    region character varying(63) NOT NULL,
    address character varying(300) NOT NULL
);


--
-- Name: store_identity; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.store_identity (
    id integer NOT NULL,
    identity character varying(64) NOT NULL
);


--
-- Name: workloads; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.workloads (
    id character varying(253) NOT NULL,
    public boolean NOT NULL,
    regions text NOT NULL,
    protocol character varying(16) NOT NULL,
    max_stream_seconds bigint NOT NULL,
    policy text NOT NULL,
    forward_credential boolean DEFAULT false NOT NULL
);


--
-- Name: workspaces; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.workspaces (
    id character varying(63) NOT NULL,
    jwt_issuers text NOT NULL,
    policy text NOT NULL,
    api_keys text DEFAULT '[]'::text NOT NULL,
    signing_keys text DEFAULT '[]'::text NOT NULL
);


--
-- Data for Name: aliases; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.aliases (alias, workload) FROM stdin;
agt-oldbot-acme	agt-bot-acme
\.


--
-- Data for Name: custom_domains; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.custom_domains (domain, workload, location) FROM stdin;
bot.acme.example	agt-bot-acme	eu
files.acme.example	mcp-files-acme	\N
\.


--
-- Data for Name: fleet_version; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.fleet_version (id, version) FROM stdin;
1	15
\.


--
-- Data for Name: gantry_schema; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.gantry_schema (version, name, applied_at) FROM stdin;
1	V1__fleet.sql	2026-11-30 22:31:30.095427
2	V2__names.sql	2026-11-30 22:31:30.121308
3	V3__api_keys.sql	2026-11-30 22:31:30.128387
4	V4__signing_keys.sql	2026-11-30 22:31:30.131382
5	V5__forward_credential.sql	2026-11-30 22:31:30.133684
\.


--
-- Data for Name: replica_leases; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.replica_leases (workload, region, address, ttl_millis, expires_at_millis) FROM stdin;
\.


--
-- Data for Name: replicas; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.replicas (workload, region, address) FROM stdin;
agt-bot-acme	eu-lon-1	127.0.0.1:19001
agt-bot-acme	eu-par-1	127.0.0.2:19002
\.


--
-- Data for Name: store_identity; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.store_identity (id, identity) FROM stdin;
1	a95932ed-9fde-478c-9607-d9e2c9551a69
\.


--
-- Data for Name: workloads; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.workloads (id, public, regions, protocol, max_stream_seconds, policy, forward_credential) FROM stdin;
mcp-tools-demo	t	["eu-lon-1","eu-par-1"]	HTTP1	3600	{"countries":[],"continents":["EU"],"regions":[]}	f
agt-echo-other	f	["eu-lon-1"]	HTTP1	3600	{"countries":[],"continents":[],"regions":[]}	f
agt-private-demo	f	["eu-lon-1"]	HTTP1	3600	{"countries":[],"continents":[],"regions":[]}	f
sbx-box-demo	t	["eu-par-1"]	HTTP1	28800	{"countries":[],"continents":[],"regions":[]}	f
agt-echo-demo	t	["eu-lon-1","eu-par-1","us-pdx-1"]	HTTP1	3600	{"countries":[],"continents":[],"regions":[]}	f
agt-grpc-echo-demo	t	["eu-lon-1","eu-par-1","us-pdx-1"]	HTTP2	3600	{"countries":[],"continents":[],"regions":[]}	f
mcp-files-acme	f	["eu-par-1"]	HTTP2	3600	{"countries":[],"continents":[],"regions":["eu-par-1"]}	f
sbx-shell-acme	t	["eu-par-1"]	HTTP1	28800	{"countries":[],"continents":[],"regions":[]}	f
agt-bot-acme	f	["eu-lon-1","eu-par-1"]	HTTP1	3600	{"countries":[],"continents":[],"regions":["eu-lon-1","eu-par-1"]}	t
\.


--
-- Data for Name: workspaces; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.workspaces (id, jwt_issuers, policy, api_keys, signing_keys) FROM stdin;
other	[{"issuer":"http://127.0.0.1:18099/other","jwks_uri":"http://127.0.0.1:18099/jwks.json","audiences":["gantry"]}]	{"countries":[],"continents":[],"regions":[]}	[]	[]
demo	[{"issuer":"http://127.0.0.1:18099/demo","jwks_uri":"http://127.0.0.1:18099/jwks.json","audiences":["gantry"]}]	{"countries":[],"continents":[],"regions":[]}	[{"id":"nm3m6cq4ivns","secret_sha256":"9823df28ee0a36e22cb8cb3b2e7b845d54ae83eb6cf02e15ee7570a742421557","scopes":["agt:invoke","mcp:call","sbx:exec"],"name":"all","created_at":1796077907,"revoked":true}]	[]
acme	[{"issuer":"https://idp.acme.example/","jwks_uri":"https://idp.acme.example/jwks.json","audiences":["gantry","acme-api"]}]	{"countries":[],"continents":["EU"],"regions":[]}	[{"id":"4vwia459y8nq","secret_sha256":"973b61400f8c789731f9c4618af070a6943a497095e6d0afe994dba96d0992c1","scopes":["agt:invoke"],"name":"ci","created_at":1796077905,"expires_at":1803853905,"revoked":false}]	[{"key_id":"acme-signer-1","jwk":"{\\"kty\\":\\"OKP\\",\\"crv\\":\\"Ed25519\\",\\"x\\":\\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\\"}","alg":"ed25519","scopes":["mcp:call"]}]
\.


--
-- Name: aliases aliases_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.aliases
    ADD CONSTRAINT aliases_pkey PRIMARY KEY (alias);


--
-- Name: custom_domains custom_domains_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.custom_domains
    ADD CONSTRAINT custom_domains_pkey PRIMARY KEY (domain);


--
-- Name: fleet_version fleet_version_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fleet_version
    ADD CONSTRAINT fleet_version_pkey PRIMARY KEY (id);


--
-- Name: gantry_schema gantry_schema_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.gantry_schema
    ADD CONSTRAINT gantry_schema_pkey PRIMARY KEY (version);


--
-- Name: replica_leases replica_leases_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.replica_leases
    ADD CONSTRAINT replica_leases_pkey PRIMARY KEY (workload, region, address);


--
-- Name: replicas replicas_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.replicas
    ADD CONSTRAINT replicas_pkey PRIMARY KEY (workload, region, address);


--
-- Name: store_identity store_identity_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.store_identity
    ADD CONSTRAINT store_identity_pkey PRIMARY KEY (id);


--
-- Name: workloads workloads_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.workloads
    ADD CONSTRAINT workloads_pkey PRIMARY KEY (id);


--
-- Name: workspaces workspaces_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.workspaces
    ADD CONSTRAINT workspaces_pkey PRIMARY KEY (id);


--
-- PostgreSQL database dump complete
--

\unrestrict sAPxJzJBwidgXfB7xNQXV706MPxk3Vlvv0jBk5zxjHA02xOWiHNIIFRSrsfAbdT

