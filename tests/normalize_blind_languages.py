# ruff: noqa
# fmt: off
# The blind examiner's file, copied verbatim from the examiner (only these three header lines added).
"""Blind test cases: language identification of news paragraphs, and spoken
forms of numbers in several languages."""

LANG_ID = [
    # English
    ("en", "The city council voted 7-2 on Tuesday to approve a new budget of $450 million, which includes funding for 120 additional police officers and repairs to several bridges damaged in last winter's storms."),
    ("en", "Heavy rain caused flooding across northern England overnight, forcing the closure of dozens of roads. The Environment Agency issued 45 flood warnings and urged residents to avoid unnecessary travel."),
    ("en", "Shares in the electric carmaker fell nearly 8 percent after the company reported weaker-than-expected deliveries for the third quarter and warned that price cuts would continue into next year."),
    ("en", "Scientists in Australia have discovered a new species of frog in the rainforests of Queensland. The tiny amphibian, about the size of a fingernail, was found during a survey last spring."),
    # German
    ("de", "Der Bundestag hat am Donnerstag mit großer Mehrheit ein neues Gesetz zum Klimaschutz beschlossen. Nach Angaben der Regierung sollen bis 2030 rund 80 Prozent des Stroms aus erneuerbaren Energien stammen."),
    ("de", "Bei einem schweren Verkehrsunfall auf der A7 bei Hamburg sind am Sonntagabend drei Menschen verletzt worden. Die Autobahn war für mehrere Stunden in Richtung Norden gesperrt."),
    ("de", "Bayern München hat das Spitzenspiel gegen Borussia Dortmund mit 3:1 gewonnen und die Tabellenführung in der Bundesliga ausgebaut. Harry Kane erzielte zwei Tore."),
    ("de", "Die Inflation in Deutschland ist im März leicht gesunken. Wie das Statistische Bundesamt mitteilte, lagen die Verbraucherpreise 2,2 Prozent höher als im Vorjahresmonat."),
    # French
    ("fr", "Le gouvernement a annoncé mardi un plan de 2 milliards d'euros pour soutenir les agriculteurs touchés par la sécheresse. Les premières aides devraient être versées avant la fin de l'été."),
    ("fr", "Un violent orage a frappé la région lyonnaise dans la nuit de samedi à dimanche, privant d'électricité plus de 40 000 foyers. Les pompiers sont intervenus à plusieurs centaines de reprises."),
    ("fr", "Le Paris Saint-Germain s'est qualifié pour les demi-finales de la Ligue des champions après sa victoire face au Bayern Munich. Les supporters ont fêté l'événement jusque tard dans la nuit."),
    ("fr", "Selon une étude publiée jeudi, près d'un jeune sur trois déclare avoir renoncé à des soins médicaux pour des raisons financières. Les associations appellent l'État à agir rapidement."),
    # Spanish
    ("es", "El Gobierno aprobó este martes una subida del salario mínimo del 5 por ciento, que beneficiará a más de dos millones de trabajadores en toda España, según el Ministerio de Trabajo."),
    ("es", "Un incendio forestal declarado en la provincia de Valencia ha obligado a desalojar a unos 300 vecinos. Los bomberos trabajan para controlar las llamas, avivadas por el fuerte viento."),
    ("es", "El Real Madrid venció al Barcelona por dos goles a uno en el estadio Santiago Bernabéu y se coloca líder de la Liga a falta de cinco jornadas para el final."),
    ("es", "Científicos del Instituto de Astrofísica de Canarias han detectado un planeta parecido a la Tierra que orbita una estrella cercana, situada a unos 40 años luz de distancia."),
    # Italian
    ("it", "Il Consiglio dei ministri ha approvato ieri la legge di bilancio, che prevede tagli alle tasse per i redditi medi e nuovi fondi per la sanità pubblica, pari a circa 3 miliardi di euro."),
    ("it", "Una scossa di terremoto di magnitudo 4,2 è stata avvertita questa mattina in provincia di Perugia. Non si registrano danni alle persone, ma alcune scuole sono state evacuate per precauzione."),
    ("it", "La Juventus ha battuto l'Inter per due a zero nel derby d'Italia e si avvicina alla vetta della classifica di Serie A. Decisiva una doppietta nel secondo tempo."),
    ("it", "Il Comune di Roma ha annunciato che dal prossimo mese il biglietto dell'autobus costerà di più. La decisione ha suscitato le proteste di numerosi pendolari e delle associazioni dei consumatori."),
    # Portuguese
    ("pt", "O Banco Central decidiu nesta quarta-feira manter a taxa básica de juros em 10,5% ao ano. Segundo os diretores, a inflação ainda preocupa, principalmente os preços dos alimentos."),
    ("pt", "Fortes chuvas atingiram o litoral norte de São Paulo durante o fim de semana, deixando centenas de famílias desalojadas. A Defesa Civil alerta para o risco de novos deslizamentos."),
    ("pt", "O Benfica venceu o FC Porto por três a um no Estádio da Luz e reforçou a liderança do campeonato português. O avançado marcou dois golos na segunda parte."),
    ("pt", "O Governo anunciou um novo programa de apoio à habitação para jovens com menos de 35 anos, que inclui a isenção de impostos na compra da primeira casa."),
    # Dutch
    ("nl", "Het kabinet heeft dinsdag een nieuw plan gepresenteerd om de woningnood aan te pakken. Volgens de minister moeten er de komende tien jaar 900.000 nieuwe woningen worden gebouwd."),
    ("nl", "Door de zware storm zijn vannacht in het noorden van het land tientallen bomen omgewaaid. De NS heeft het treinverkeer tussen Groningen en Zwolle urenlang stilgelegd."),
    ("nl", "Ajax heeft zondag in de Johan Cruijff ArenA met 2-0 gewonnen van Feyenoord. De Amsterdammers klimmen daardoor naar de derde plaats in de Eredivisie."),
    ("nl", "Onderzoekers van de Universiteit Utrecht hebben ontdekt dat de zeespiegel langs de Nederlandse kust sneller stijgt dan eerder werd gedacht. Ze pleiten voor extra investeringen in dijken."),
    # Swedish
    ("sv", "Regeringen presenterade på onsdagen en ny budget med sänkt skatt för pensionärer och mer pengar till polisen. Finansministern säger att satsningarna kostar omkring 20 miljarder kronor."),
    ("sv", "Ett kraftigt snöoväder drog in över norra Sverige under natten. SMHI har utfärdat en orange varning, och flera vägar i Norrbotten är avstängda."),
    ("sv", "Sverige vann mot Norge med 3–1 i EM-kvalet på Friends Arena. Alexander Isak gjorde två mål och utsågs till matchens bästa spelare."),
    ("sv", "Forskare vid Karolinska institutet har utvecklat ett nytt blodprov som kan upptäcka cancer i ett tidigt skede. Resultaten publicerades i en internationell tidskrift i veckan."),
    # Polish
    ("pl", "Sejm przyjął w piątek ustawę o podwyżkach dla nauczycieli. Według ministerstwa edukacji wynagrodzenia wzrosną średnio o 30 procent od przyszłego roku szkolnego."),
    ("pl", "Intensywne opady deszczu spowodowały podtopienia w kilku miejscowościach na południu Polski. Strażacy interweniowali ponad 200 razy, głównie w województwie małopolskim."),
    ("pl", "Reprezentacja Polski pokonała Austrię 2:1 w meczu eliminacji mistrzostw Europy. Zwycięskiego gola w ostatnich minutach zdobył Robert Lewandowski."),
    ("pl", "Naukowcy z Uniwersytetu Warszawskiego odkryli w Tatrach nowy gatunek pająka. Jak podkreślają badacze, to pierwsze takie znalezisko w Polsce od wielu lat."),
    # Czech
    ("cs", "Vláda ve středu schválila návrh státního rozpočtu na příští rok se schodkem 230 miliard korun. Ministr financí uvedl, že cílem je postupně snižovat zadlužení země."),
    ("cs", "Silný vítr v noci na neděli poškodil desítky střech v Moravskoslezském kraji. Hasiči vyjížděli k více než stovce událostí, nikdo nebyl vážně zraněn."),
    ("cs", "Sparta Praha porazila v derby Slavii 2:0 a vede první ligu o čtyři body. Oba góly padly ve druhém poločase."),
    ("cs", "Čeští vědci z Akademie věd vyvinuli novou metodu, která umožňuje rychlejší diagnostiku vzácných onemocnění u dětí. Výzkum trval pět let."),
    # Romanian
    ("ro", "Guvernul a aprobat marți o ordonanță care prevede creșterea pensiilor cu 12 la sută de la 1 ianuarie. Măsura va costa bugetul de stat aproximativ 5 miliarde de lei."),
    ("ro", "Ninsorile abundente au blocat mai multe drumuri naționale din Moldova. Autoritățile au trimis utilaje de deszăpezire, iar cursurile au fost suspendate în zeci de școli."),
    ("ro", "FCSB a învins-o pe CFR Cluj cu 3-1 și a urcat pe primul loc în Superliga. Antrenorul a declarat că echipa a jucat cel mai bun meci al sezonului."),
    ("ro", "Cercetătorii de la Universitatea din București au descoperit urmele unei așezări dacice vechi de peste 2.000 de ani, în apropiere de Sarmizegetusa."),
    # Turkish
    ("tr", "Merkez Bankası perşembe günü politika faizini yüzde 50'de sabit tuttu. Banka, enflasyon düşüş eğilimine girene kadar sıkı para politikasının süreceğini açıkladı."),
    ("tr", "İstanbul'da sabah saatlerinde etkili olan sağanak yağış nedeniyle birçok cadde su altında kaldı. İtfaiye ekipleri 150'den fazla ihbara müdahale etti."),
    ("tr", "Galatasaray, derbide Fenerbahçe'yi 2-1 yenerek liderliğini sürdürdü. Maçı kazandıran gol 89. dakikada geldi. Teknik direktör, oyuncularının mücadelesinden memnun olduğunu söyledi."),
    ("tr", "Türk bilim insanları, Anadolu'da yaklaşık 12 bin yıllık bir yerleşim alanı keşfetti. Kazılarda taş aletler ve hayvan kemikleri bulundu."),
    # Russian
    ("ru", "Правительство России одобрило проект бюджета на следующий год. По словам министра финансов, расходы на здравоохранение вырастут на 15 процентов."),
    ("ru", "Сильный снегопад парализовал движение в Москве во вторник утром. Коммунальные службы вывели на улицы более 10 тысяч единиц техники."),
    ("ru", "«Зенит» обыграл «Спартак» со счётом 2:1 и укрепил лидерство в чемпионате России по футболу. Решающий гол был забит на последних минутах матча."),
    ("ru", "Учёные Новосибирского государственного университета разработали новый материал для солнечных батарей, который эффективнее работает при низких температурах."),
    # Ukrainian
    ("uk", "Верховна Рада ухвалила закон про підвищення мінімальної заробітної плати з наступного року. За словами прем'єр-міністра, вона зросте до 8 тисяч гривень."),
    ("uk", "Через сильні дощі в Карпатах кілька сіл у Закарпатській області залишилися без світла. Рятувальники евакуювали понад 50 людей."),
    ("uk", "Київське «Динамо» перемогло «Шахтар» з рахунком 1:0 і очолило турнірну таблицю Прем'єр-ліги. Єдиний гол у матчі забили на 67-й хвилині."),
    ("uk", "Українські науковці з Харкова створили новий прилад для швидкого виявлення забруднення води. Розробку вже тестують у трьох містах."),
    # Greek
    ("el", "Η κυβέρνηση ανακοίνωσε την Τρίτη νέα μέτρα στήριξης για τα νοικοκυριά, συνολικού ύψους 300 εκατομμυρίων ευρώ, για την αντιμετώπιση της ακρίβειας στα τρόφιμα."),
    ("el", "Μεγάλη πυρκαγιά ξέσπασε το απόγευμα σε δασική έκταση στην Αττική. Στο σημείο επιχειρούν δεκάδες πυροσβέστες με τη συνδρομή εναέριων μέσων."),
    ("el", "Ο Ολυμπιακός νίκησε τον Παναθηναϊκό με 2-1 στο Καραϊσκάκη και παραμένει στην κορυφή της βαθμολογίας."),
    ("el", "Αρχαιολόγοι εντόπισαν στην Κρήτη έναν μινωικό τάφο σε εξαιρετική κατάσταση. Σύμφωνα με το υπουργείο Πολιτισμού, τα ευρήματα χρονολογούνται πριν από περίπου 3.500 χρόνια."),
    # Arabic
    ("ar", "أعلنت وزارة الصحة اليوم الثلاثاء عن افتتاح 15 مستشفى جديدا في مختلف المحافظات، ضمن خطة لتحسين الخدمات الطبية خلال العامين المقبلين."),
    ("ar", "شهدت العاصمة الأردنية عمّان أمطارا غزيرة مساء أمس، ما أدى إلى إغلاق عدد من الطرق الرئيسية، ودعت السلطات المواطنين إلى توخي الحذر."),
    ("ar", "فاز نادي الهلال على النصر بنتيجة 3-1 في ديربي الرياض، ليعزز صدارته لدوري روشن السعودي للمحترفين."),
    ("ar", "كشف فريق من علماء الآثار المصريين عن مقبرة جديدة في منطقة سقارة يعود تاريخها إلى أكثر من أربعة آلاف عام."),
    # Persian
    ("fa", "وزارت نیرو اعلام کرد که به دلیل کاهش بارندگی، ذخایر سدهای تهران به کمترین میزان در ده سال گذشته رسیده است. مسئولان از مردم خواستند در مصرف آب صرفه‌جویی کنند."),
    ("fa", "تیم ملی فوتبال ایران در دیداری دوستانه با نتیجه دو بر یک تیم ملی قطر را شکست داد. این بازی در ورزشگاه آزادی تهران برگزار شد."),
    ("fa", "بانک مرکزی اعلام کرد نرخ تورم سالانه در ماه گذشته به ۳۵ درصد رسیده است. کارشناسان می‌گویند افزایش قیمت مواد غذایی عامل اصلی این رشد بوده است."),
    ("fa", "باستان‌شناسان در استان فارس بقایای یک کاخ متعلق به دوره هخامنشی را کشف کردند. به گفته آنان، این بنا حدود ۲۵۰۰ سال قدمت دارد."),
    # Hebrew
    ("he", "הממשלה אישרה הבוקר את תקציב המדינה לשנה הבאה. לדברי שר האוצר, התקציב כולל תוספת של מיליארדי שקלים לחינוך ולבריאות."),
    ("he", "גשמים עזים ירדו הלילה באזור המרכז וגרמו להצפות בכמה כבישים ראשיים. המשטרה ביקשה מהנהגים להימנע מנסיעות שאינן הכרחיות."),
    ("he", "מכבי תל אביב ניצחה את הפועל באר שבע 2:0 ועלתה למקום הראשון בליגת העל בכדורגל."),
    ("he", "חוקרים מהאוניברסיטה העברית בירושלים פיתחו שיטה חדשה לזיהוי מוקדם של מחלת אלצהיימר באמצעות בדיקת דם פשוטה."),
    # Hindi
    ("hi", "केंद्र सरकार ने मंगलवार को किसानों के लिए 20 हज़ार करोड़ रुपये के नए राहत पैकेज की घोषणा की। कृषि मंत्री ने कहा कि इसका लाभ देश के करोड़ों किसानों को मिलेगा।"),
    ("hi", "मुंबई में भारी बारिश के कारण कई इलाकों में पानी भर गया और लोकल ट्रेन सेवाएं प्रभावित हुईं। मौसम विभाग ने अगले दो दिनों के लिए ऑरेंज अलर्ट जारी किया है।"),
    ("hi", "भारत ने तीसरे टेस्ट मैच में ऑस्ट्रेलिया को छह विकेट से हराकर सीरीज़ में 2-1 की बढ़त बना ली। विराट कोहली ने शानदार शतक लगाया।"),
    ("hi", "इसरो के वैज्ञानिकों ने श्रीहरिकोटा से एक नए मौसम उपग्रह का सफल प्रक्षेपण किया। यह उपग्रह चक्रवात और भारी बारिश का पूर्वानुमान लगाने में मदद करेगा।"),
    # Tamil
    ("ta", "தமிழக அரசு புதிய கல்வியாண்டில் 500 அரசுப் பள்ளிகளில் ஸ்மார்ட் வகுப்பறைகள் அமைக்கப்படும் என்று அறிவித்துள்ளது. இதற்காக பல கோடி ரூபாய் ஒதுக்கப்பட்டுள்ளது என்று பள்ளிக் கல்வித் துறை அமைச்சர் செய்தியாளர்களிடம் தெரிவித்தார்."),
    ("ta", "சென்னையில் நேற்று இரவு பெய்த கனமழையால் பல சாலைகளில் தண்ணீர் தேங்கியது. அடுத்த இரண்டு நாட்களுக்கு மழை தொடரும் என்று வானிலை ஆய்வு மையம் தெரிவித்துள்ளது."),
    ("ta", "ஐபிஎல் போட்டியில் சென்னை சூப்பர் கிங்ஸ் அணி மும்பை இந்தியன்ஸ் அணியை 20 ரன்கள் வித்தியாசத்தில் வீழ்த்தியது. தோனி கடைசி ஓவரில் அதிரடியாக விளையாடினார்."),
    ("ta", "மதுரை அருகே நடைபெற்ற அகழாய்வில் சுமார் இரண்டாயிரம் ஆண்டுகள் பழமையான மண்பாண்டங்கள் கண்டெடுக்கப்பட்டுள்ளதாக தொல்லியல் துறை தெரிவித்தது. இவை விரைவில் அருங்காட்சியகத்தில் பொதுமக்கள் பார்வைக்கு வைக்கப்படும்."),
    # Bengali
    ("bn", "সরকার আগামী অর্থবছরের জন্য নতুন বাজেট ঘোষণা করেছে। অর্থমন্ত্রী জানান, শিক্ষা ও স্বাস্থ্য খাতে বরাদ্দ উল্লেখযোগ্যভাবে বাড়ানো হয়েছে।"),
    ("bn", "ঘূর্ণিঝড়ের প্রভাবে উপকূলীয় জেলাগুলোতে ভারী বৃষ্টি হচ্ছে। আবহাওয়া অধিদপ্তর চট্টগ্রাম ও কক্সবাজার সমুদ্রবন্দরকে সাত নম্বর বিপদসংকেত দেখাতে বলেছে।"),
    ("bn", "বাংলাদেশ ক্রিকেট দল দ্বিতীয় ওয়ানডেতে শ্রীলঙ্কাকে ৫ উইকেটে হারিয়ে সিরিজে সমতা ফিরিয়েছে। ম্যাচসেরা হয়েছেন সাকিব আল হাসান।"),
    ("bn", "কলকাতায় আন্তর্জাতিক বইমেলা শুরু হয়েছে। আয়োজকরা জানিয়েছেন, প্রথম দিনেই কয়েক লক্ষ মানুষ মেলায় ভিড় জমিয়েছেন।"),
    # Chinese
    ("zh", "国家统计局周一公布的数据显示，今年第一季度国内生产总值同比增长5.3%，高于市场预期。消费和出口成为拉动经济增长的主要因素。"),
    ("zh", "受强降雨影响，广东省多地出现严重内涝，部分道路交通中断。当地政府已紧急转移群众两万多人。"),
    ("zh", "中国女排在昨晚的比赛中以3比1战胜巴西队，成功晋级半决赛。主教练在赛后表示，队员们发挥出色。"),
    ("zh", "中国科学院的研究人员近日在云南发现了一种新的植物物种，相关研究成果已发表在国际学术期刊上。"),
    # Japanese
    ("ja", "日本銀行は19日の金融政策決定会合で、政策金利を据え置くことを決めました。植田総裁は記者会見で、物価の動向を注意深く見守ると述べました。"),
    ("ja", "台風10号の影響で、九州南部では記録的な大雨となり、鹿児島県の一部の地域には避難指示が出されています。"),
    ("ja", "大谷翔平選手は昨日の試合で今季40号となるホームランを放ち、チームの勝利に貢献しました。"),
    ("ja", "東京都は来年度から、都内の私立高校の授業料を所得に関係なく実質無償化する方針を明らかにしました。"),
    # Korean
    ("ko", "한국은행은 목요일 기준금리를 연 3.5%로 동결했다고 밝혔다. 이창용 총재는 물가 상승세가 둔화되고 있지만 여전히 불확실성이 크다고 말했다."),
    ("ko", "집중호우로 충청 지역 곳곳에서 도로가 침수되고 산사태가 발생했다. 소방당국은 주민 수백 명을 안전한 곳으로 대피시켰다."),
    ("ko", "손흥민이 두 골을 터뜨리며 토트넘이 리그 경기에서 3대 1로 승리했다. 손흥민은 경기 최우수 선수로 선정됐으며, 감독은 경기 후 인터뷰에서 팀 전체의 집중력을 칭찬했다."),
    ("ko", "서울시는 내년부터 대중교통 무제한 이용권을 도입한다고 발표했다. 한 달 요금은 6만 원대로 책정될 예정이며, 시는 이를 통해 시민들의 교통비 부담이 크게 줄어들 것으로 기대하고 있다."),
    # Malay
    ("ms", "Kerajaan mengumumkan peruntukan sebanyak RM2 bilion untuk membaiki sekolah-sekolah daif di seluruh negara. Menteri Pendidikan berkata kerja-kerja pembaikan akan bermula tahun hadapan."),
    ("ms", "Hujan lebat sejak petang semalam menyebabkan banjir kilat di beberapa kawasan di Kuala Lumpur. Seramai 120 mangsa telah dipindahkan ke pusat pemindahan sementara."),
    ("ms", "Harimau Malaya menewaskan Singapura 2-1 dalam perlawanan persahabatan di Stadium Nasional Bukit Jalil malam tadi. Jurulatih kebangsaan berpuas hati dengan prestasi pemain."),
    ("ms", "Polis Diraja Malaysia menahan tiga lelaki yang dipercayai terlibat dalam sindiket penipuan dalam talian di Johor Bahru, kata Ketua Polis Daerah dalam satu kenyataan."),
    # Indonesian
    ("id", "Pemerintah akan menaikkan harga bahan bakar minyak bersubsidi mulai pekan depan. Menurut Menteri Keuangan, langkah ini diperlukan untuk menjaga kesehatan anggaran negara."),
    ("id", "Banjir melanda sejumlah wilayah di Jakarta Timur setelah hujan deras mengguyur sejak Senin malam. Badan Penanggulangan Bencana Daerah mencatat ratusan warga terpaksa mengungsi."),
    ("id", "Tim nasional Indonesia berhasil mengalahkan Vietnam dengan skor 3-0 dalam laga kualifikasi Piala Dunia di Stadion Utama Gelora Bung Karno, Jakarta."),
    ("id", "Gunung Merapi kembali mengeluarkan awan panas guguran pada Selasa pagi. Warga diimbau tidak beraktivitas dalam radius tujuh kilometer dari puncak."),
    # Vietnamese
    ("vi", "Ngân hàng Nhà nước cho biết tăng trưởng tín dụng trong 6 tháng đầu năm đạt khoảng 6%, thấp hơn so với cùng kỳ năm ngoái."),
    ("vi", "Mưa lớn kéo dài nhiều ngày đã gây ngập lụt nghiêm trọng tại các tỉnh miền Trung. Hàng nghìn hộ dân đã phải sơ tán đến nơi an toàn."),
    ("vi", "Đội tuyển Việt Nam đã đánh bại Thái Lan với tỷ số 2-1 trong trận chung kết, giành chức vô địch Đông Nam Á."),
    ("vi", "Thành phố Hồ Chí Minh sẽ đưa tuyến metro số 1 vào vận hành thương mại từ cuối năm nay, góp phần giảm ùn tắc giao thông."),
    # Thai
    ("th", "ธนาคารแห่งประเทศไทยมีมติคงอัตราดอกเบี้ยนโยบายไว้ที่ร้อยละ 2.5 โดยระบุว่าเศรษฐกิจไทยยังคงฟื้นตัวอย่างต่อเนื่อง"),
    ("th", "ฝนตกหนักในพื้นที่ภาคเหนือทำให้เกิดน้ำท่วมฉับพลันในจังหวัดเชียงราย ชาวบ้านหลายร้อยครัวเรือนได้รับความเดือดร้อน"),
    ("th", "ทีมชาติไทยเอาชนะมาเลเซีย 3-1 ในการแข่งขันฟุตบอลชิงแชมป์อาเซียนเมื่อคืนนี้ ที่สนามราชมังคลากีฬาสถาน"),
    ("th", "กรุงเทพมหานครเตรียมเปิดให้บริการรถไฟฟ้าสายใหม่ในปีหน้า ซึ่งจะช่วยลดปัญหาการจราจรติดขัดในเขตชั้นใน"),
]

SPOKEN_NUMBERS = [
    # English
    ("en", "The council approved 300 new homes on Tuesday.", ("three hundred",)),
    ("en", "The factory employs 2,500 workers.", ("two thousand five hundred", "twenty-five hundred", "two thousand, five hundred", "twenty five hundred")),
    ("en", "The law was passed in 2024.", ("twenty twenty-four", "twenty twenty four", "two thousand twenty-four", "two thousand and twenty-four")),
    ("en", "Police arrested 15 people after the match.", ("fifteen",)),
    ("en", "Prices rose 15% last year.", ("fifteen percent", "fifteen per cent")),
    ("en", "A ticket to the game costs $40.", ("forty dollars",)),
    # German
    ("de", "Wegen des Hochwassers wurden 300 Menschen evakuiert.", ("dreihundert",)),
    ("de", "Das neue Gesetz tritt 2024 in Kraft.", ("zweitausendvierundzwanzig",)),
    ("de", "Die Polizei nahm 15 Verdächtige fest.", ("fünfzehn",)),
    ("de", "Die Mieten stiegen im Vergleich zum Vorjahr um 7 %.", ("sieben Prozent",)),
    ("de", "Ein Liter Benzin kostet inzwischen 2 Euro.", ("zwei Euro",)),
    # French
    ("fr", "Plus de 300 personnes ont été évacuées dans la nuit.", ("trois cents",)),
    ("fr", "La réforme entrera en vigueur en 2024.", ("deux mille vingt-quatre", "deux mille vingt quatre")),
    ("fr", "L'accident a fait 21 blessés sur l'autoroute A7.", ("vingt et un", "vingt-et-un")),
    ("fr", "Le club a fêté ses 71 ans samedi.", ("soixante et onze", "soixante-et-onze")),
    ("fr", "Le chômage a reculé de 5 % sur un an.", ("cinq pour cent", "cinq pour-cent")),
    ("fr", "Le billet coûte désormais 80 €.", ("quatre-vingts euros", "quatre vingts euros")),
    # Spanish
    ("es", "Más de 300 personas participaron en la manifestación.", ("trescientas", "trescientos")),
    ("es", "La nueva ley entrará en vigor en 2024.", ("dos mil veinticuatro",)),
    ("es", "El accidente dejó 16 heridos en la autopista.", ("dieciséis",)),
    ("es", "El paro bajó un 5 % en el último año.", ("cinco por ciento",)),
    ("es", "La entrada al museo cuesta 15 €.", ("quince euros",)),
    # Malay
    ("ms", "Seramai 300 mangsa banjir dipindahkan ke pusat pemindahan sementara.", ("tiga ratus",)),
    ("ms", "Pilihan raya negeri itu diadakan pada tahun 2023.", ("dua ribu dua puluh tiga",)),
    ("ms", "Polis menahan 15 individu dalam serbuan itu.", ("lima belas",)),
    ("ms", "Harga ayam naik 10% bulan ini.", ("sepuluh peratus",)),
    ("ms", "Setiap isi rumah akan menerima bantuan tunai RM500.", ("lima ratus ringgit",)),
    # Indonesian
    ("id", "Sebanyak 300 warga mengungsi akibat banjir di Bekasi.", ("tiga ratus",)),
    ("id", "Pemilihan umum digelar pada tahun 2024.", ("dua ribu dua puluh empat",)),
    ("id", "Polisi menangkap 11 tersangka pengedar narkoba.", ("sebelas",)),
    ("id", "Harga beras naik 10% dalam sebulan terakhir.", ("sepuluh persen",)),
    ("id", "Tarif bus itu hanya Rp5.000 sekali jalan.", ("lima ribu rupiah",)),
    # Chinese
    ("zh", "当地已有300名居民被紧急转移。", ("三百",)),
    ("zh", "该法律于2024年正式生效。", ("二零二四", "二〇二四", "两千零二十四", "二千零二十四")),
    ("zh", "共有2000名运动员参加本届比赛。", ("两千", "二千")),
    ("zh", "事故造成12人受伤。", ("十二",)),
    ("zh", "上个月居民消费价格同比上涨5%。", ("百分之五",)),
    ("zh", "演唱会门票售价为200元。", ("二百元", "两百元", "二百块", "两百块")),
    # Tamil
    ("ta", "வெள்ளத்தால் 300 குடும்பங்கள் பாதிக்கப்பட்டன.", ("முந்நூறு", "முன்னூறு")),
    ("ta", "இந்த சட்டம் 2024 ஆம் ஆண்டு நடைமுறைக்கு வந்தது.", ("இரண்டாயிரத்து இருபத்து நான்கு", "இரண்டாயிரத்து இருபத்தி நான்கு", "இரண்டாயிரத்து இருபத்தினான்கு", "இரண்டாயிரத்து இருபத்துநான்கு")),
    ("ta", "இந்த வழக்கில் 15 பேர் கைது செய்யப்பட்டனர்.", ("பதினைந்து", "பதினைந்து பேர்")),
    ("ta", "பால் விலை 10% உயர்த்தப்பட்டுள்ளது.", ("பத்து சதவீதம்", "பத்து விழுக்காடு", "பத்து சதவிகிதம்")),
    ("ta", "ஒவ்வொரு குடும்பத்துக்கும் ₹500 நிவாரணம் வழங்கப்படும்.", ("ஐநூறு ரூபாய்", "ஐந்நூறு ரூபாய்")),
    # Arabic
    ("ar", "تم إجلاء 300 شخص من المنطقة المتضررة.", ("ثلاثمائة", "ثلاثمئة", "ثلاث مئة", "ثلاث مائة")),
    ("ar", "أقيمت البطولة في عام 2024.", ("ألفين وأربعة وعشرين", "ألفان وأربعة وعشرون", "ألفين وأربع وعشرين", "ألفين وأربعةٍ وعشرين")),
    ("ar", "أسفر الحادث عن إصابة 15 شخصا.", ("خمسة عشر", "خمسة عشرَ")),
    ("ar", "ارتفع معدل التضخم بنسبة 5% خلال الشهر الماضي.", ("خمسة بالمائة", "خمسة بالمئة", "خمسة في المائة", "خمسة في المئة", "خمسة بالمية")),
    ("ar", "بلغ سعر التذكرة 100 دولار.", ("مئة دولار", "مائة دولار")),
    # Greek
    ("el", "Περισσότεροι από 300 άνθρωποι απομακρύνθηκαν από την περιοχή.", ("τριακόσιοι", "τριακόσια", "τριακόσιους")),
    ("el", "Ο νέος νόμος τέθηκε σε ισχύ το 2024.", ("δύο χιλιάδες είκοσι τέσσερα",)),
    ("el", "Στο δυστύχημα τραυματίστηκαν 15 άτομα.", ("δεκαπέντε",)),
    ("el", "Η ανεργία μειώθηκε κατά 10% μέσα σε ένα χρόνο.", ("δέκα τοις εκατό",)),
    ("el", "Το εισιτήριο κοστίζει 50 ευρώ.", ("πενήντα ευρώ",)),
    # Russian
    ("ru", "Из зоны подтопления эвакуировали 300 человек.", ("триста",)),
    ("ru", "Закон вступил в силу в 2024 году.", ("две тысячи двадцать четвёртом", "две тысячи двадцать четвертом")),
    ("ru", "В результате аварии пострадали 15 человек.", ("пятнадцать",)),
    ("ru", "Цены на бензин выросли на 5%.", ("пять процентов",)),
    ("ru", "Проезд в метро теперь стоит 100 рублей.", ("сто рублей",)),
    # Hindi
    ("hi", "बाढ़ के कारण 300 लोगों को सुरक्षित स्थानों पर पहुँचाया गया।", ("तीन सौ",)),
    ("hi", "यह कानून 2024 में लागू हुआ।", ("दो हज़ार चौबीस", "दो हजार चौबीस")),
    ("hi", "पुलिस ने इस मामले में 15 लोगों को गिरफ्तार किया।", ("पंद्रह", "पन्द्रह")),
    ("hi", "पिछले साल दूध की कीमतों में 10% की बढ़ोतरी हुई।", ("दस प्रतिशत", "दस फ़ीसदी", "दस फीसदी", "दस परसेंट")),
    ("hi", "हर परिवार को ₹500 की सहायता दी जाएगी।", ("पाँच सौ रुपये", "पांच सौ रुपये", "पाँच सौ रुपए", "पांच सौ रुपए")),
]
